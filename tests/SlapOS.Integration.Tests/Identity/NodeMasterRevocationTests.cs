using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// The node checks its master's TLS certificate against a CRL of the master's CA, with real certificates over real
/// mutual TLS: the CRL the master publishes at <c>/ca/crl</c> (the default for the JSON client), or a CRL file.
/// A revoked master certificate is refused; a list that is foreign, forged or stale refuses every master (fail closed).
/// Each test has its own master, since some revoke the master's own certificate.
/// </summary>
public sealed class NodeMasterRevocationTests : IAsyncLifetime
{
    private readonly MtlsMaster _master = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-node-crl-").FullName;
    private string _computer = string.Empty;

    public async Task InitializeAsync()
    {
        await _master.InitializeAsync();
        _computer = "COMP-" + Guid.NewGuid().ToString("N")[..10];
        await _master.Master.RegisterComputerAsync(new Computer { Reference = _computer }, default);
        var issued = await _master.IssueAsync(IdentityKind.Computer, _computer);
        await File.WriteAllTextAsync(Path.Combine(_directory, "computer.crt"), issued.CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(_directory, "computer.key"), issued.PrivateKeyPem);
    }

    public async Task DisposeAsync()
    {
        await _master.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private (IHost Node, FakeLogCollector Log) Node(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = _computer,
            ["SlapOS:Slave:MasterUrl"] = _master.Url.ToString(),
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(_directory, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(_directory, "opt"),
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:PartitionAmount"] = "1",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(_directory, "supervisor"),
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
            ["SlapOS:Slave:MasterClient:CertificateFile"] = Path.Combine(_directory, "computer.crt"),
            ["SlapOS:Slave:MasterClient:KeyFile"] = Path.Combine(_directory, "computer.key"),
            ["SlapOS:Slave:MasterClient:CaCertificateFile"] = _master.CaFile,
            ["SlapOS:Slave:MasterClient:MaxRetries"] = "1",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSlapOSSlave(s => s.UseJsonMasterClient().UseNativeBuildout().UseNativeSupervisor().UseUnprivilegedFormatter());
        var host = builder.Build();
        return (host, host.Services.GetRequiredService<FakeLogCollector>());
    }

    private Task<ComputerDocument> CallAsync(IHost node) =>
        node.Services.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync(_computer, default);

    /// <summary>The master's CA with its key, to sign the CRLs a file-configured node reads.</summary>
    private X509Certificate2 CaWithKey() =>
        X509Certificate2.CreateFromPemFile(_master.CaFile, Path.Combine(_master.CaDirectory, "ca.key"));

    private static byte[] Crl(X509Certificate2 issuer, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, thisUpdate, X509RevocationReason.KeyCompromise);
        }

        return builder.Build(issuer, BigInteger.One, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    private async Task<Dictionary<string, string?>> CrlFileAsync(byte[] crl)
    {
        var file = Path.Combine(_directory, "master.crl");
        await File.WriteAllBytesAsync(file, crl);
        return new() { ["SlapOS:Slave:MasterClient:RevocationCheck"] = "File", ["SlapOS:Slave:MasterClient:RevocationListFile"] = file };
    }

    private static string Logged(FakeLogCollector log) => string.Join('\n', log.GetSnapshot().Select(r => r.Message));

    [Fact]
    public async Task By_default_the_json_client_checks_the_master_against_the_crl_it_publishes_and_refuses_it_once_revoked()
    {
        var (before, beforeLog) = Node();
        using (before)
        {
            Assert.NotNull(await CallAsync(before));
            Assert.Contains("Read the CRL from", Logged(beforeLog), StringComparison.Ordinal);
        }

        using var certificate = await _master.ServerCertificateAsync();
        await _master.Authority.RevokeAsync(certificate.SerialNumber, default);

        Assert.True(await _master.PublishesRevocationOfAsync(certificate.SerialNumber), "the master's published CRL never listed its revoked certificate");
        var (after, afterLog) = Node();
        using (after)
        {
            await Assert.ThrowsAsync<MasterUnreachableException>(() => CallAsync(after));
            Assert.Contains($"Refused the master's TLS certificate {certificate.SerialNumber}", Logged(afterLog), StringComparison.Ordinal);
            Assert.Contains("revokes it", Logged(afterLog), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_crl_file_that_revokes_the_master_certificate_refuses_it_and_one_that_does_not_lets_it_through()
    {
        using var ca = CaWithKey();
        using var master = await _master.ServerCertificateAsync();
        using var other = X509Certificate2.CreateFromPem((await _master.IssueAsync(IdentityKind.Computer, _computer)).CertificatePem);
        var now = DateTimeOffset.UtcNow;

        var (accepted, _) = Node(await CrlFileAsync(Crl(ca, now.AddMinutes(-1), now.AddHours(1), other)));
        using (accepted)
        {
            Assert.NotNull(await CallAsync(accepted));
        }

        var (refused, log) = Node(await CrlFileAsync(Crl(ca, now.AddMinutes(-1), now.AddHours(1), master, other)));
        using (refused)
        {
            await Assert.ThrowsAsync<MasterUnreachableException>(() => CallAsync(refused));
            Assert.Contains("revokes it", Logged(log), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_stale_a_foreign_or_a_tampered_crl_refuses_every_master()
    {
        using var ca = CaWithKey();
        var now = DateTimeOffset.UtcNow;
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreignRequest = new CertificateRequest(ca.SubjectName, foreignKey, HashAlgorithmName.SHA256);
        foreignRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        foreignRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        using var foreign = foreignRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1)); // same name, other key
        var tampered = Crl(ca, now.AddMinutes(-1), now.AddHours(1));
        tampered[^1] ^= 0x01;

        var cases = new (string Name, byte[] Crl, string Reason)[]
        {
            ("stale", Crl(ca, now.AddHours(-2), now.AddHours(-1)), "is stale"),
            ("foreign", Crl(foreign, now.AddMinutes(-1), now.AddHours(1)), "does not verify"),
            ("tampered", tampered, "CRL"),
            ("garbage", "not a crl"u8.ToArray(), "not a CRL"),
        };
        foreach (var (name, crl, reason) in cases)
        {
            var (node, log) = Node(await CrlFileAsync(crl));
            using (node)
            {
                var refused = await Assert.ThrowsAsync<MasterUnreachableException>(() => CallAsync(node));
                Assert.True(refused.Message.Contains(reason, StringComparison.Ordinal) || Logged(log).Contains(reason, StringComparison.Ordinal), $"{name}: {refused.Message}\n{Logged(log)}");
            }
        }
    }

    [Fact]
    public async Task Revocation_check_off_trusts_the_chain_alone()
    {
        using var ca = CaWithKey();
        using var master = await _master.ServerCertificateAsync();
        var now = DateTimeOffset.UtcNow;
        var settings = await CrlFileAsync(Crl(ca, now.AddMinutes(-1), now.AddHours(1), master));
        settings["SlapOS:Slave:MasterClient:RevocationCheck"] = "Off";

        var (node, _) = Node(settings);
        using (node)
        {
            Assert.NotNull(await CallAsync(node));
        }
    }
}
