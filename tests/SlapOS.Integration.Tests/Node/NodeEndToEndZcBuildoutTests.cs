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

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// The node end to end with the real zc.buildout as its installer (native supervisor,
/// unprivileged formatter): hello-web from our master runs, publishes its URL, and is destroyed.
/// </summary>
public sealed class NodeEndToEndZcBuildoutTests : IAsyncLifetime
{
    private const string Computer = "COMP-E2E-ZC";
    private readonly string root = Directory.CreateTempSubdirectory("slapos-e2e-zc-").FullName;
    private WebApplication master = null!;
    private IHost node = null!;

    private ISlapMaster Slap => master.Services.GetRequiredService<ISlapMaster>();

    private INodeAgent Agent => node.Services.GetRequiredService<INodeAgent>();

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    public async Task InitializeAsync()
    {
        Assert.True(
            File.Exists("/usr/bin/python3") && Directory.Exists("/usr/lib/python3/dist-packages/zc/buildout"),
            "This test needs Debian's /usr/bin/python3 with python3-zc.buildout and python3-setuptools (scripts/test.sh installs them).");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(root, "master.db")));
        master = builder.Build();
        master.MapSlapOSMaster();
        await master.StartAsync();
        var url = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var nodeBuilder = Host.CreateApplicationBuilder();
        nodeBuilder.Logging.ClearProviders();
        nodeBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = Computer,
            ["SlapOS:Slave:MasterUrl"] = url,
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(root, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(root, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = "1",
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
        });
        nodeBuilder.Services.AddSlapOSSlave(s => s.UseJsonMasterClient().UseBuildout().UseNativeSupervisor().UseUnprivilegedFormatter());
        node = nodeBuilder.Build();
        await node.StartAsync();

        Assert.Equal(NodeExitCode.Ok, (await Agent.FormatAsync()).ExitCode);
        await Slap.SupplyAsync(Computer, Release, SupplyState.Available, default);
    }

    public async Task DisposeAsync()
    {
        if (node is not null)
        {
            await node.StopAsync();
            node.Dispose();
        }

        if (master is not null)
        {
            await master.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task The_node_deploys_hello_web_with_zc_buildout_serves_it_and_destroys_it()
    {
        var request = new InstanceRequest
        {
            Title = "e2e-zc-hello",
            SoftwareReleaseUrl = Release,
            State = RequestedState.Started,
            Parameters = new Dictionary<string, string> { ["name"] = "zc.buildout", ["port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var allocated = await Slap.RequestAsync(request, default);
        var partitionPath = Path.Combine(root, "srv", allocated.PartitionReference!);

        Assert.Equal(NodeExitCode.Ok, (await Agent.SoftwareAsync()).ExitCode);
        Assert.True(Directory.Exists(Path.Combine(root, "opt", ".zc-buildout")), "the software was installed by zc.buildout");
        // The agent runs promises right after starting the services: under load the first run's
        // promise can beat the server's bind. The node converges on its next run, as slapgrid does.
        var run = await Agent.InstanceAsync();
        for (var again = 0; again < 2 && run.ExitCode != NodeExitCode.Ok; again++)
        {
            run = await Agent.InstanceAsync();
        }

        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));
        var running = await Slap.RequestAsync(request, default);

        Assert.Equal(ReportedState.Started, running.ReportedState);
        Assert.True(File.Exists(Path.Combine(partitionPath, ".installed.cfg")));
        // zc.buildout's own bookkeeping (the native engine does not write it).
        Assert.Contains("installed_develop_eggs", await File.ReadAllTextAsync(Path.Combine(partitionPath, ".installed.cfg")), StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            Assert.Equal("Hello zc.buildout", (await http.GetStringAsync(new Uri(running.ConnectionParameters["url"]))).Trim());
        }

        await Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
        await Agent.InstanceAsync();
        Assert.Equal(NodeExitCode.Ok, (await Agent.ReportAsync()).ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(partitionPath));
        Assert.Null(await Slap.FindInstanceAsync(InstanceRequest.RootRequester, request.Title, default));
    }
}
