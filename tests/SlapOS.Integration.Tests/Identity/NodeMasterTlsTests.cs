using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// The node's master clients over real mutual TLS: they present the computer certificate, trust only the
/// configured CA, fetch partition certificates, and renew the computer certificate before it expires.
/// </summary>
public sealed class NodeMasterTlsTests(MtlsMaster master) : IClassFixture<MtlsMaster>, IDisposable
{
    private readonly string directory = System.IO.Directory.CreateTempSubdirectory("slapos-node-tls-").FullName;

    public void Dispose() => System.IO.Directory.Delete(directory, recursive: true);

    private async Task<(string Computer, string Certificate, string Key)> ComputerWithFilesAsync()
    {
        var computer = "COMP-" + Guid.NewGuid().ToString("N")[..10];
        await master.Master.RegisterComputerAsync(new Computer { Reference = computer }, default);
        var issued = await master.IssueAsync(IdentityKind.Computer, computer);
        var certificate = Path.Combine(directory, computer + ".crt");
        var key = Path.Combine(directory, computer + ".key");
        await File.WriteAllTextAsync(certificate, issued.CertificatePem);
        await File.WriteAllTextAsync(key, issued.PrivateKeyPem);
        return (computer, certificate, key);
    }

    private IHost Node(string computer, string certificate, string key, string caFile, string api = "json", string renewalWindow = "30.00:00:00")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = computer,
            ["SlapOS:Slave:MasterUrl"] = master.Url.ToString(),
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(directory, computer, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(directory, computer, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = "1",
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:MasterClient:CertificateFile"] = certificate,
            ["SlapOS:Slave:MasterClient:KeyFile"] = key,
            ["SlapOS:Slave:MasterClient:CaCertificateFile"] = caFile,
            ["SlapOS:Slave:MasterClient:RenewalWindow"] = renewalWindow,
            ["SlapOS:Slave:MasterClient:MaxRetries"] = "1",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(directory, computer, "supervisor"),
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
        });
        builder.Services.AddSlapOSSlave(s =>
        {
            _ = api == "xml" ? s.UseXmlMasterClient() : s.UseJsonMasterClient();
            s.UseNativeBuildout().UseNativeSupervisor().UseUnprivilegedFormatter();
        });
        return builder.Build();
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Both_clients_reach_the_master_with_the_computer_certificate_and_fetch_partition_certificates(string api)
    {
        var (computer, certificate, key) = await ComputerWithFilesAsync();
        using var node = Node(computer, certificate, key, master.CaFile, api);
        Assert.Equal(NodeExitCode.Ok, (await node.Services.GetRequiredService<INodeAgent>().FormatAsync()).ExitCode);
        await master.Master.SupplyAsync(computer, AuthorizationWorld.Release, SupplyState.Available, default);
        await master.Master.ReportSoftwareInstallationAsync(computer, AuthorizationWorld.Release, SoftwareInstallationState.Available, null, default);
        var instance = await master.Master.RequestAsync(new InstanceRequest { Title = "tls-" + api + computer, RequesterReference = "alice", SoftwareReleaseUrl = AuthorizationWorld.Release, Sla = new Dictionary<string, string> { ["computer_guid"] = computer } }, default);

        var client = node.Services.GetRequiredService<ISlapMasterClient>();
        var document = await client.GetComputerDocumentAsync(computer, default);
        Assert.Contains(document.Partitions, p => p.InstanceReference == instance.Reference);
        var pair = await client.GetPartitionCertificateAsync(computer, instance.PartitionReference!, default);

        Assert.NotNull(pair);
        using var issued = X509Certificate2.CreateFromPem(pair.CertificatePem, pair.KeyPem);
        Assert.Equal(instance.Reference, issued.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Contains("OU=partition", issued.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_master_whose_certificate_does_not_chain_to_the_configured_ca_is_refused()
    {
        var (computer, certificate, key) = await ComputerWithFilesAsync();

        // A CA of its own, not the master's.
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "foreign.db")).UseBouncyCastleIdentity(o => o.Directory = Path.Combine(directory, "foreign-ca")));
        await using (var provider = services.BuildServiceProvider())
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "foreign.crt"), await provider.GetRequiredService<ICertificateAuthority>().GetCaCertificatePemAsync(default));
        }

        using var node = Node(computer, certificate, key, Path.Combine(directory, "foreign.crt"));

        await Assert.ThrowsAsync<MasterUnreachableException>(() => node.Services.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync(computer, default));
    }

    [Theory]
    [InlineData("format")]
    [InlineData("report")]
    public async Task A_certificate_within_the_renewal_window_is_renewed_and_the_renewed_one_is_accepted(string run)
    {
        var (computer, certificate, key) = await ComputerWithFilesAsync();
        var before = await File.ReadAllTextAsync(certificate);

        // Every certificate is "about to expire" with a window of ten years.
        using (var node = Node(computer, certificate, key, master.CaFile, renewalWindow: "3650.00:00:00"))
        {
            var agent = node.Services.GetRequiredService<INodeAgent>();
            var result = run == "format" ? await agent.FormatAsync() : await agent.ReportAsync();
            Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        }

        var after = await File.ReadAllTextAsync(certificate);
        Assert.NotEqual(before, after);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        var renewedKey = await File.ReadAllTextAsync(key);
        using (var renewed = X509Certificate2.CreateFromPem(after, renewedKey))
        {
            Assert.Contains($"CN={computer}", renewed.Subject, StringComparison.Ordinal);
        }

        // The renewed pair passes the handshake: a node built on the files reaches the master.
        using var next = Node(computer, certificate, key, master.CaFile);
        var document = await next.Services.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync(computer, default);
        Assert.Equal(computer, document.ComputerReference);
    }

    [Fact]
    public async Task A_certificate_far_from_expiry_is_kept()
    {
        var (computer, certificate, key) = await ComputerWithFilesAsync();
        var before = await File.ReadAllTextAsync(certificate);

        using (var node = Node(computer, certificate, key, master.CaFile, renewalWindow: "1.00:00:00"))
        {
            Assert.Equal(NodeExitCode.Ok, (await node.Services.GetRequiredService<INodeAgent>().FormatAsync()).ExitCode);
        }

        Assert.Equal(before, await File.ReadAllTextAsync(certificate));
    }
}
