using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SlapOS.Integration.Tests.Api;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// Revocation end to end on two masters over one PostgreSQL database, with real TLS on loopback: through the JSON
/// API (who may revoke what), on renewal and on destruction, and in the published CRL checked by openssl.
/// </summary>
public sealed class RevocationTests
{
    private static async Task<string> NewComputerAsync(MtlsMaster master, string? owner = null, bool withPartitions = false)
    {
        var reference = LoopbackMaster.NewComputer();
        await master.Master.RegisterComputerAsync(new Computer { Reference = reference, OwnerReference = owner }, default);
        if (withPartitions)
        {
            await master.Master.FormatComputerAsync(new ComputerFormat(reference, null, null, AuthorizationWorld.Partitions(reference)), default);
            await master.Master.SupplyAsync(reference, AuthorizationWorld.Release, SupplyState.Available, default);
            await master.Master.ReportSoftwareInstallationAsync(reference, AuthorizationWorld.Release, SoftwareInstallationState.Available, null, default);
        }

        return reference;
    }

    private static async Task<Answer> PostAsync(MtlsMaster master, IssuedCertificate caller, string path, object body)
    {
        using var client = master.Client(caller);
        return await MtlsMaster.PostJsonAsync(client, path, body);
    }

    /// <summary>
    /// A new connection (so a new handshake) per call: <see langword="null"/> when the handshake is refused. (Where TLS
    /// resumes a session the handshake skips the client check; the per-request check then answers 403.)
    /// </summary>
    private static async Task<HttpStatusCode?> StatusAsync(MtlsMaster master, IssuedCertificate identity, string computer)
    {
        try
        {
            return (await PostAsync(master, identity, "/slapos.get.v0.compute_node_status", new { computer_guid = computer })).Status;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<TimeSpan?> RefusedWithinAsync(MtlsMaster master, IssuedCertificate identity, string computer, TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (await StatusAsync(master, identity, computer) is null or HttpStatusCode.Forbidden)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        return null;
    }

    [Fact]
    public async Task A_node_certificate_revoked_through_the_json_api_on_one_master_is_refused_by_the_other_within_five_seconds()
    {
        await using var cloud = await SharedCloud.CreateAsync("postgresql");
        var a = await cloud.StartMasterAsync();
        var b = await cloud.StartMasterAsync();
        var owner = await a.IssueAsync(IdentityKind.Person, "olivia");
        var computer = await NewComputerAsync(a, owner: "olivia");
        var node = await a.IssueAsync(IdentityKind.Computer, computer);
        var kept = await a.IssueAsync(IdentityKind.Computer, computer);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, node, computer));

        // The standard call, by the computer's owner, naming the stolen certificate.
        var revoked = await PostAsync(a, owner, "/slapos.remove.v0.compute_node_certificate", new { computer_guid = computer, serial_number = node.SerialNumber, reason = "key_compromise" });

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        var elapsed = await RefusedWithinAsync(b, node, computer, TimeSpan.FromSeconds(5));
        Assert.True(elapsed is not null, "master B still accepted the revoked certificate 5 s after master A revoked it");
        Assert.NotNull(await RefusedWithinAsync(a, node, computer, TimeSpan.FromSeconds(5)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, kept, computer));
        var record = await b.Services.GetRequiredService<IIdentityStore>().GetCertificateAsync(CertificateSerialNumber.Normalize(node.SerialNumber), default);
        Assert.Equal(RevocationReason.KeyCompromise, record!.RevocationReason);
    }

    [Fact]
    public async Task A_connection_kept_alive_across_a_revocation_is_refused_on_its_next_request()
    {
        await using var cloud = await SharedCloud.CreateAsync("postgresql");
        var a = await cloud.StartMasterAsync();
        var admin = await a.IssueAsync(IdentityKind.Person, "root", admin: true);
        var computer = await NewComputerAsync(a);
        var node = await a.IssueAsync(IdentityKind.Computer, computer);
        using var kept = a.Client(node);
        Assert.Equal(HttpStatusCode.OK, (await MtlsMaster.PostJsonAsync(kept, "/slapos.get.v0.compute_node_status", new { computer_guid = computer })).Status);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(a, admin, "/slapos.remove.v0.certificate", new { serial_number = node.SerialNumber })).Status);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var answer = await MtlsMaster.PostJsonAsync(kept, "/slapos.get.v0.compute_node_status", new { computer_guid = computer });

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Contains("revoked", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_whoever_may_act_on_the_subject_revokes_its_certificates()
    {
        await using var cloud = await SharedCloud.CreateAsync("postgresql");
        var a = await cloud.StartMasterAsync();
        var computer = await NewComputerAsync(a, owner: "olivia", withPartitions: true);
        var instance = await a.Master.RequestAsync(new InstanceRequest { Title = "tree", RequesterReference = "alice", SoftwareReleaseUrl = AuthorizationWorld.Release, Sla = new Dictionary<string, string> { ["computer_guid"] = computer } }, default);
        var partition = await a.IssueAsync(IdentityKind.Partition, instance.Reference);
        var node = await a.IssueAsync(IdentityKind.Computer, computer);
        var mallory = await a.IssueAsync(IdentityKind.Person, "mallory");
        var alice = await a.IssueAsync(IdentityKind.Person, "alice");

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(a, mallory, "/slapos.remove.v0.software_instance_certificate", new { instance_guid = instance.Reference })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(a, mallory, "/slapos.remove.v0.compute_node_certificate", new { computer_guid = computer })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(a, mallory, "/slapos.remove.v0.certificate", new { serial_number = node.SerialNumber })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(a, mallory, "/slapos.remove.v0.person_certificate", new { person_reference = "alice" })).Status);
        var unknown = await PostAsync(a, alice, "/slapos.remove.v0.certificate", new { serial_number = "abcdef0123" });
        Assert.Equal(HttpStatusCode.Forbidden, unknown.Status); // SlapOS's JSON API answers 403 for "not found" too
        Assert.Contains("no certificate with serial number abcdef0123", unknown.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(a, alice, "/slapos.remove.v0.certificate", new { serial_number = "../etc" })).Status);

        // The tree's owner revokes the partition's key; a person revokes their own.
        var revoked = await PostAsync(a, alice, "/slapos.remove.v0.software_instance_certificate", new { instance_guid = instance.Reference });
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Contains("Revoked 1 certificate", revoked.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(a, alice, "/slapos.remove.v0.person_certificate", new { person_reference = "alice" })).Status);
        var store = a.Services.GetRequiredService<IIdentityStore>();
        Assert.NotNull((await store.GetCertificateAsync(CertificateSerialNumber.Normalize(partition.SerialNumber), default))!.RevokedAt);
        Assert.NotNull((await store.GetCertificateAsync(CertificateSerialNumber.Normalize(alice.SerialNumber), default))!.RevokedAt);
        Assert.Null((await store.GetCertificateAsync(CertificateSerialNumber.Normalize(node.SerialNumber), default))!.RevokedAt);
        Assert.Null((await store.GetCertificateAsync(CertificateSerialNumber.Normalize(mallory.SerialNumber), default))!.RevokedAt);
    }

    [Fact]
    public async Task A_renewed_certificate_supersedes_the_old_one_after_the_grace()
    {
        // The master's clock is a fake one: the grace passes when the test says so, not when a loaded machine gets
        // round to it. It starts at the real time, since the TLS handshake checks validity against the real clock.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var grace = TimeSpan.FromMinutes(10);
        await using var cloud = await SharedCloud.CreateAsync("postgresql");
        var settings = new Dictionary<string, string?> { ["SlapOS:Master:Security:RenewalGrace"] = grace.ToString() };
        var a = await cloud.StartMasterAsync(settings, services => services.AddSingleton<TimeProvider>(clock));
        var computer = await NewComputerAsync(a);
        var old = await a.IssueAsync(IdentityKind.Computer, computer);
        var renewedAt = clock.GetUtcNow();

        var renewed = await PostAsync(a, old, "/slapos.post.v0.compute_node_certificate", new { computer_guid = computer });

        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        var json = renewed.Json();
        var fresh = new IssuedCertificate(new SlapIdentity(IdentityKind.Computer, computer), "?", json.GetProperty("certificate").GetString()!, json.GetProperty("key").GetString()!, DateTimeOffset.MaxValue);

        // Still valid during the grace, however long the refresh interval has passed...
        clock.Advance(grace - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, old, computer));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, fresh, computer));
        var record = (await a.Services.GetRequiredService<IIdentityStore>().ListCertificatesAsync(IdentityKind.Computer, computer, default)).Single(c => c.SerialNumber == CertificateSerialNumber.Normalize(old.SerialNumber));
        Assert.Equal(RevocationReason.Superseded, record.RevocationReason);
        Assert.True(Math.Abs((record.RevokedAt!.Value - (renewedAt + grace)).TotalMilliseconds) < 1, $"revoked at {record.RevokedAt}, not at the renewal ({renewedAt}) plus the grace");

        // ...refused once it is over (plus one revocation refresh interval, 2 s by default); the new one keeps working.
        clock.Advance(TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(3));
        Assert.True(await StatusAsync(a, old, computer) is null or HttpStatusCode.Forbidden, "the superseded certificate is still accepted after the grace");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, fresh, computer));
    }

    [Fact]
    public async Task A_destroyed_instance_loses_its_partition_certificates()
    {
        await using var cloud = await SharedCloud.CreateAsync("postgresql");
        var a = await cloud.StartMasterAsync();
        var computer = await NewComputerAsync(a, withPartitions: true);
        var request = new InstanceRequest { Title = "doomed", RequesterReference = "alice", SoftwareReleaseUrl = AuthorizationWorld.Release, Sla = new Dictionary<string, string> { ["computer_guid"] = computer } };
        var instance = await a.Master.RequestAsync(request, default);
        var partition = await a.IssueAsync(IdentityKind.Partition, instance.Reference);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(a, partition, "/slapos.get.v0.software_instance", new { instance_guid = instance.Reference })).Status);

        await a.Master.RequestAsync(request with { State = RequestedState.Destroyed }, default);
        await a.Master.ReportDestroyedAsync(computer, instance.PartitionReference!, default);

        var record = await a.Services.GetRequiredService<IIdentityStore>().GetCertificateAsync(CertificateSerialNumber.Normalize(partition.SerialNumber), default);
        Assert.Equal(RevocationReason.CessationOfOperation, record!.RevocationReason);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(a, partition, "/slapos.get.v0.software_instance", new { instance_guid = instance.Reference }));
    }

    [Fact]
    public async Task The_published_crl_lists_revocations_of_every_master_and_verifies_with_openssl()
    {
        await using var cloud = await SharedCloud.CreateAsync("postgresql");
        var a = await cloud.StartMasterAsync();
        var b = await cloud.StartMasterAsync();
        var admin = await a.IssueAsync(IdentityKind.Person, "root", admin: true);
        var computer = await NewComputerAsync(a);
        var node = await a.IssueAsync(IdentityKind.Computer, computer);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(a, admin, "/slapos.remove.v0.compute_node_certificate", new { computer_guid = computer })).Status);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        // Unauthenticated: fetched on B's onboarding listener, which asks for no client certificate.
        using var anonymous = b.Client(null, b.OnboardingUrl);
        using var response = await anonymous.GetAsync("/ca/crl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        var crl = Path.Combine(cloud.CaDirectory, "..", "published.crl");
        await File.WriteAllBytesAsync(crl, await response.Content.ReadAsByteArrayAsync());

        var (exit, output) = await OpenSsl.RunAsync("crl", "-inform", "DER", "-in", crl, "-CAfile", b.CaFile, "-noout", "-verify", "-text");

        Assert.True(exit == 0, output);
        Assert.Contains("verify OK", output, StringComparison.Ordinal);
        var serial = CertificateSerialNumber.Normalize(node.SerialNumber).ToUpperInvariant();
        Assert.Contains(serial.Length % 2 == 0 ? serial : "0" + serial, output, StringComparison.Ordinal);
    }
}
