using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SlapOS.Integration.Tests.Api;
using SlapOS.Integration.Tests.Identity;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>
/// Master A forwards to master B over mutual TLS and checks B's TLS certificate against the CRL of B's CA, with the
/// node's own rule (<c>RevocationCheck</c>, default Auto: the CRL B publishes at <c>/ca/crl</c>). Once B's server
/// certificate is revoked, A refuses B at the handshake and answers 503 with the reason; with the check Off, the same
/// request goes through (so the refusal is the revocation, not a broken chain).
/// </summary>
public sealed class FederationRevocationTests : IAsyncLifetime
{
    private const string Computer = "COMP-FED-CRL";
    private readonly MtlsMaster _b = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-federation-crl-").FullName;
    private readonly List<ForwardingMaster> _forwarding = [];
    private Dictionary<string, string> _settings = null!;

    public async Task InitializeAsync()
    {
        await _b.InitializeAsync();
        await _b.Master.RegisterComputerAsync(new Computer { Reference = Computer }, default);
        await _b.Master.FormatComputerAsync(new ComputerFormat(
            Computer,
            "10.91.0.1",
            "255.255.255.0",
            [.. Enumerable.Range(0, 4).Select(i => new ComputerPartition
            {
                ComputerReference = Computer,
                Reference = "slappart" + i,
                Addresses = [new PartitionAddress("10.91.0." + (10 + i), "255.255.255.255", null)],
            })]), default);
        var identity = await _b.IssueAsync(IdentityKind.Person, "PERSON-MASTER-A");
        var certificate = Path.Combine(_directory, "a-on-b.crt");
        var key = Path.Combine(_directory, "a-on-b.key");
        await File.WriteAllTextAsync(certificate, identity.CertificatePem);
        await File.WriteAllTextAsync(key, identity.PrivateKeyPem);
        _settings = new Dictionary<string, string>
        {
            ["SlapOS:Master:Federation:Masters:b:Url"] = _b.Url.ToString(),
            ["SlapOS:Master:Federation:Masters:b:CertificateFile"] = certificate,
            ["SlapOS:Master:Federation:Masters:b:KeyFile"] = key,
            ["SlapOS:Master:Federation:Masters:b:CaCertificateFile"] = _b.CaFile,
            ["SlapOS:Master:Federation:Masters:b:MaxRetries"] = "0",
            ["SlapOS:Master:Federation:RefreshInterval"] = "00:00:00",
        };
    }

    public async Task DisposeAsync()
    {
        foreach (var a in _forwarding)
        {
            await a.DisposeAsync();
        }

        await _b.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A fresh master A (so a fresh CRL), forwarding to B with <paramref name="settings"/> on top of the defaults.</summary>
    private async Task<(ForwardingMaster A, FakeLogCollector Log)> StartAAsync(Dictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>(_settings);
        foreach (var (name, value) in settings ?? [])
        {
            all[name] = value;
        }

        var a = new ForwardingMaster(all, m => m.Services.AddLogging(l => l.AddFakeLogging().SetMinimumLevel(LogLevel.Debug)));
        _forwarding.Add(a);
        await a.InitializeAsync();
        return (a, a.Services.GetRequiredService<FakeLogCollector>());
    }

    private Task<Answer> RequestAsync(ForwardingMaster a, string title) =>
        a.PostJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = LoopbackMaster.Release,
            software_type = "default",
            state = "started",
            parameters = new { },
            sla_parameters = new { master_url = _b.Url.ToString() },
        });

    private static string Logged(FakeLogCollector log) => string.Join('\n', log.GetSnapshot().Select(r => r.Message));

    [Fact]
    public async Task A_revoked_external_master_certificate_is_refused_and_nothing_is_forwarded()
    {
        // Before: A checks B against B's published CRL and forwards.
        var (before, beforeLog) = await StartAAsync();
        var accepted = await RequestAsync(before, "crl-before");
        Assert.True(accepted.Status == HttpStatusCode.OK, accepted.ToString());
        Assert.Contains("Read the CRL from", Logged(beforeLog), StringComparison.Ordinal);

        using var certificate = await _b.ServerCertificateAsync();
        await _b.Authority.RevokeAsync(certificate.SerialNumber, default);

        Assert.True(await _b.PublishesRevocationOfAsync(certificate.SerialNumber), "B's published CRL never listed its revoked certificate");

        // After: a master that reads that CRL refuses B at the handshake; the requester gets a clear 503.
        var (after, afterLog) = await StartAAsync();
        var refused = await RequestAsync(after, "crl-after");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("external-master-unavailable", refused.Json().GetProperty("type").GetString());
        Assert.Contains($"Refused the master's TLS certificate {certificate.SerialNumber}", Logged(afterLog), StringComparison.Ordinal);
        Assert.Contains("revokes it", Logged(afterLog), StringComparison.Ordinal);
        Assert.Null(await _b.Master.FindInstanceAsync("PERSON-MASTER-A", "crl-after", default));

        // The same request with the check off goes through: the chain is sound, only the revocation refused it.
        var (off, _) = await StartAAsync(new() { ["SlapOS:Master:Federation:Masters:b:RevocationCheck"] = "Off" });
        var through = await RequestAsync(off, "crl-after");
        Assert.True(through.Status == HttpStatusCode.OK, through.ToString());
        Assert.NotNull(await _b.Master.FindInstanceAsync("PERSON-MASTER-A", "crl-after", default));
    }

    [Fact]
    public async Task A_crl_file_that_revokes_the_external_master_refuses_it()
    {
        using var b = await _b.ServerCertificateAsync();
        using var ca = X509Certificate2.CreateFromPemFile(_b.CaFile, Path.Combine(_b.CaDirectory, "ca.key"));
        var now = DateTimeOffset.UtcNow;
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry(b, now.AddMinutes(-1), X509RevocationReason.KeyCompromise);
        var file = Path.Combine(_directory, "b.crl");
        await File.WriteAllBytesAsync(file, builder.Build(ca, System.Numerics.BigInteger.One, now.AddHours(1), System.Security.Cryptography.HashAlgorithmName.SHA256, thisUpdate: now.AddMinutes(-1)));

        var (a, log) = await StartAAsync(new()
        {
            ["SlapOS:Master:Federation:Masters:b:RevocationCheck"] = "File",
            ["SlapOS:Master:Federation:Masters:b:RevocationListFile"] = file,
        });
        var refused = await RequestAsync(a, "crl-file");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Contains("revokes it", Logged(log), StringComparison.Ordinal);
        Assert.Null(await _b.Master.FindInstanceAsync("PERSON-MASTER-A", "crl-file", default));
    }
}
