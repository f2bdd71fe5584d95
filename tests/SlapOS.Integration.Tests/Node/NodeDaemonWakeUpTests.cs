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

namespace SlapOS.Integration.Tests.Node;

/// <summary>The node daemon sleeps for its whole interval unless the master signals a change.</summary>
public sealed class NodeDaemonWakeUpTests : IAsyncLifetime
{
    private const string Computer = "COMP-WAKE";
    private readonly string root = Directory.CreateTempSubdirectory("slapos-wake-").FullName;
    private WebApplication master = null!;
    private IHost node = null!;

    private ISlapMaster Slap => master.Services.GetRequiredService<ISlapMaster>();

    public async Task InitializeAsync()
    {
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
            ["SlapOS:Slave:RunDaemon"] = "true",
            // Far longer than the test may take: only a wake-up can make the node act in time.
            ["SlapOS:Slave:SoftwareInterval"] = "01:00:00",
            ["SlapOS:Slave:InstanceInterval"] = "01:00:00",
            ["SlapOS:Slave:ReportInterval"] = "01:00:00",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
        });
        nodeBuilder.Services.AddSlapOSSlave(s => s.UseJsonMasterClient().UseNativeBuildout().UseNativeSupervisor().UseUnprivilegedFormatter());
        node = nodeBuilder.Build();
        await node.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await node.StopAsync();
        node.Dispose();
        await master.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_request_wakes_the_sleeping_daemon_which_deploys_it()
    {
        // The daemon formats at start: wait until the master knows the computer.
        await WaitUntilAsync(async () => (await Slap.ListPartitionsAsync(Computer, default)).Count == 1, "the daemon formatted the computer");

        var release = Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");
        await Slap.SupplyAsync(Computer, release, SupplyState.Available, default);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var request = new InstanceRequest
        {
            Title = "woken",
            SoftwareReleaseUrl = release,
            Parameters = new Dictionary<string, string> { ["name"] = "Awake", ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        await Slap.RequestAsync(request, default);

        await WaitUntilAsync(async () => (await Slap.RequestAsync(request, default)).ConnectionParameters.ContainsKey("url"), "the daemon deployed the instance");
        var url = (await Slap.RequestAsync(request, default)).ConnectionParameters["url"];
        using var http = new HttpClient();
        var answer = string.Empty;
        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    answer = (await http.GetStringAsync(url)).Trim();
                }
                catch (HttpRequestException)
                {
                    // The daemon publishes the URL as soon as it deployed; the service may still be starting.
                }

                return answer.Length > 0;
            },
            "the service answers");
        Assert.Equal("Hello Awake", answer);

        await Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        // A bound on the test, not a performance assertion: the daemon's own interval is an hour.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (SlapException)
            {
                // Not there yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"timed out waiting until {what}");
    }
}
