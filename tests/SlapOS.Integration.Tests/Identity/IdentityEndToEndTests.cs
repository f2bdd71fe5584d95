using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// A node onboarded with a token joins the master over mutual TLS with its own certificate and converges
/// an instance whose process calls the master as its partition (certificate from <c>[slap-connection]</c>)
/// to publish its connection parameters.
/// </summary>
public sealed class IdentityEndToEndTests : IAsyncLifetime
{
    private readonly MtlsMaster master = new();
    private readonly string computer = "COMP-" + Guid.NewGuid().ToString("N")[..10];
    private string root = null!;
    private IHost node = null!;

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "mtls-publisher", "software.cfg");

    private INodeAgent Agent => node.Services.GetRequiredService<INodeAgent>();

    public async Task InitializeAsync()
    {
        await master.InitializeAsync();
        root = Path.Combine(master.Directory, "node");
        await master.Master.RegisterComputerAsync(new Computer { Reference = computer }, default);

        // Onboarding: the admin creates a token, the node exchanges it on the onboarding listener.
        using var admin = master.Client(await master.IssueAsync(IdentityKind.Person, "root", admin: true));
        var token = (await MtlsMaster.PostJsonAsync(admin, "/slapos.post.v0.compute_node_token", new { computer_guid = computer })).Json().GetProperty("token").GetString();
        using var anonymous = master.Client(null, master.OnboardingUrl);
        var registered = await MtlsMaster.PostJsonAsync(anonymous, "/slapos.post.v0.compute_node_register", new { computer_guid = computer, token });
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var credentials = Path.Combine(root, "etc");
        Directory.CreateDirectory(credentials);
        await File.WriteAllTextAsync(Path.Combine(credentials, "computer.crt"), registered.Json().GetProperty("certificate").GetString());
        await File.WriteAllTextAsync(Path.Combine(credentials, "computer.key"), registered.Json().GetProperty("key").GetString());
        await File.WriteAllTextAsync(Path.Combine(credentials, "ca.crt"), registered.Json().GetProperty("ca_certificate").GetString());

        node = BuildNode(credentials);
        await node.StartAsync();
    }

    private IHost BuildNode(string credentials)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = computer,
            ["SlapOS:Slave:MasterUrl"] = master.Url.ToString(),
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(root, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(root, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = "1",
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:MasterClient:CertificateFile"] = Path.Combine(credentials, "computer.crt"),
            ["SlapOS:Slave:MasterClient:KeyFile"] = Path.Combine(credentials, "computer.key"),
            ["SlapOS:Slave:MasterClient:CaCertificateFile"] = Path.Combine(credentials, "ca.crt"),
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
        });
        builder.Services.AddSlapOSSlave(s => s.UseJsonMasterClient().UseNativeBuildout().UseNativeSupervisor().UseUnprivilegedFormatter());
        return builder.Build();
    }

    public async Task DisposeAsync()
    {
        await node.StopAsync();
        node.Dispose();
        await master.DisposeAsync();
    }

    [Fact]
    public async Task The_partition_publishes_its_connection_parameters_with_its_own_certificate()
    {
        Assert.Equal(NodeExitCode.Ok, (await Agent.FormatAsync()).ExitCode);
        await master.Master.SupplyAsync(computer, Release, SupplyState.Available, default);
        Assert.Equal(NodeExitCode.Ok, (await Agent.SoftwareAsync()).ExitCode);
        var request = new InstanceRequest { Title = "mtls-e2e", RequesterReference = "alice", SoftwareReleaseUrl = Release };
        var allocated = await master.Master.RequestAsync(request, default);
        var run = await Agent.InstanceAsync();
        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));

        // The partition's certificate names its instance, its key is 0400, and [slap-connection] points at them.
        var partition = Path.Combine(root, "srv", allocated.PartitionReference!);
        var key = Path.Combine(partition, "etc", "ssl", "partition.key");
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(key));
        using (var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(partition, "etc", "ssl", "partition.crt"))))
        {
            Assert.Equal(allocated.Reference, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        }

        var profile = await File.ReadAllTextAsync(Path.Combine(partition, "buildout.cfg"));
        Assert.Contains($"key-file = {key}", profile, StringComparison.Ordinal);

        // The service publishes on its own, as the partition: wait for it (bounded).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        SoftwareInstance instance;
        do
        {
            await Task.Delay(200);
            instance = await master.Master.GetInstanceAsync(allocated.Reference, default);
        }
        while (!instance.ConnectionParameters.ContainsKey("published-by") && DateTime.UtcNow < deadline);

        Assert.Equal("partition", instance.ConnectionParameters.GetValueOrDefault("published-by"));
    }
}
