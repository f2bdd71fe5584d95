using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlapOS.Master;
using SlapOS.Slave.Agent;
using SlapOS.Tests;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// The node with the real providers, as root, against a master on PostgreSQL: partitions are Unix
/// users with addresses on a bridge (root formatter) and supervisord runs the hello-web service as
/// the partition user. Names (users, bridge, ranges, database) are unique to the test; everything
/// is removed afterwards.
/// </summary>
public sealed class RealProvidersEndToEndTests : IAsyncLifetime
{
    private const string Computer = "COMP-REAL";
    private readonly string root = Directory.CreateTempSubdirectory("slapos-real-").FullName;
    private readonly string id = SlapOS.Tests.TestRun.UniqueId();
    private WebApplication? master;
    private IHost? node;
    private string database = string.Empty;

    private string UserPrefix => $"se{id}u";

    private string Bridge => $"se{id}br";

    private ISlapMaster Slap => master!.Services.GetRequiredService<ISlapMaster>();

    private INodeAgent Agent => node!.Services.GetRequiredService<INodeAgent>();

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    public async Task InitializeAsync()
    {
        Assert.True(Environment.UserName == "root" || HostCommand.Run("id", "-u").Trim() == "0", "This test makes Unix users, a bridge and addresses: run it as root (CI does).");

        // Partition users must reach the software and their partition under the temp dir.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        database = await PostgresDatabase.CreateDatabaseAsync("slapos_real");
        builder.Services.AddSlapOSMaster(m => m.UsePostgreSql(database));
        master = builder.Build();
        master.MapSlapOSMaster();
        await master.StartAsync();
        var url = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var bytes = Guid.NewGuid().ToByteArray();
        var nodeBuilder = Host.CreateApplicationBuilder();
        nodeBuilder.Logging.ClearProviders();
        nodeBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = Computer,
            ["SlapOS:Slave:MasterUrl"] = url,
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(root, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(root, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = "2",
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:RunAsPartitionUser"] = "true",
            ["SlapOS:Slave:PartitionUserPrefix"] = UserPrefix,
            ["SlapOS:Slave:Supervisord:Directory"] = Path.Combine(root, "srv", "etc"),
            ["SlapOS:Slave:Supervisord:ShutdownOnHostStop"] = "true",
            ["SlapOS:Slave:LinuxFormatter:Interface"] = Bridge,
            ["SlapOS:Slave:LinuxFormatter:Ipv4Range"] = $"10.{200 + (bytes[0] % 50)}.{bytes[1]}.0/24",
            ["SlapOS:Slave:LinuxFormatter:Ipv6Prefix"] = $"fd6a:5a9f:{bytes[2]:x}{bytes[3]:x2}:{bytes[4]:x}{bytes[5]:x2}::/64",
        });
        nodeBuilder.Services.AddSlapOSSlave(s => s.UseJsonMasterClient().UseNativeBuildout().UseSupervisord().UseLinuxFormatter());
        node = nodeBuilder.Build();
        await node.StartAsync();

        Assert.Equal(NodeExitCode.Ok, (await Agent.FormatAsync()).ExitCode);
        await Slap.SupplyAsync(Computer, Release, SupplyState.Available, default);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (node is not null)
            {
                await node.StopAsync(); // shuts supervisord down (ShutdownOnHostStop)
                node.Dispose();
            }

            if (master is not null)
            {
                await master.DisposeAsync();
            }

            await PostgresDatabase.DropDatabaseAsync(database);
        }
        finally
        {
            // What the root formatter made: the bridge (with its addresses), the users and groups.
            HostCommand.TryRun("ip", "link", "del", "dev", Bridge);
            RootHost.RemoveUsersAndGroups(UserPrefix);

            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_service_runs_as_the_partition_user_on_its_address_and_is_gone_after_destroy()
    {
        var request = new InstanceRequest
        {
            Title = "real-hello",
            SoftwareReleaseUrl = Release,
            State = RequestedState.Started,
            Parameters = new Dictionary<string, string> { ["name"] = "Real", ["port"] = FreePort().ToString(CultureInfo.InvariantCulture) },
        };
        var allocated = await Slap.RequestAsync(request, default);
        var reference = allocated.PartitionReference!;
        var user = UserPrefix + reference["slappart".Length..];
        var partitionPath = Path.Combine(root, "srv", reference);

        await Slap.RequestAsync(request, default);
        Assert.Equal(NodeExitCode.Ok, (await Agent.SoftwareAsync()).ExitCode);
        var run = await Agent.InstanceAsync();
        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));
        var running = await Slap.RequestAsync(request, default);

        // The partition's own address (on the bridge) answers, from a process of the partition user.
        var address = (await Slap.ListPartitionsAsync(Computer, default)).Single(p => p.Reference == reference).Addresses[0];
        Assert.Equal(Bridge, address.NetworkInterface);
        Assert.Equal($"{user}:{user}", HostCommand.Run("stat", "-c", "%U:%G", partitionPath).Trim());
        var url = running.ConnectionParameters["url"];
        Assert.StartsWith($"http://{address.Address}:", url, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            Assert.Equal("Hello Real", (await http.GetStringAsync(url)).Trim());
        }

        var supervisor = node!.Services.GetRequiredService<IProcessSupervisor>();
        var status = Assert.Single(await supervisor.GetStatusAsync(reference, default));
        var pid = status.ProcessId!.Value;
        Assert.Equal(HostCommand.Run("id", "-u", user).Trim(), Uid(pid));
        var groupFile = Path.Combine(root, "srv", "etc", "supervisord.conf.d", reference + ".conf");
        Assert.Contains($"user = {user}", File.ReadAllText(groupFile), StringComparison.Ordinal);

        // Destroyed: no process, no file of the user left, the group gone from supervisord.
        await Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
        await Agent.InstanceAsync();
        Assert.Equal(NodeExitCode.Ok, (await Agent.ReportAsync()).ExitCode);
        Assert.False(File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), "the service is still running");
        Assert.Empty(Directory.EnumerateFileSystemEntries(partitionPath));
        Assert.Empty(await supervisor.GetStatusAsync(reference, default));
        Assert.False(File.Exists(groupFile));
        Assert.Equal(PartitionState.Free, (await Slap.ListPartitionsAsync(Computer, default)).Single(p => p.Reference == reference).State);
    }

    private static string Uid(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
