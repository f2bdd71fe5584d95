using System.Net;
using System.Net.Sockets;
using System.Text.Json;
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
/// Master and node on loopback with the embedded defaults (SQLite, JSON API client, native buildout,
/// native supervisor, unprivileged formatter) running the hello-web sample release for real.
/// </summary>
public sealed class NodeEndToEndTests : IAsyncLifetime
{
    private const string Computer = "COMP-E2E";
    private readonly string root = Directory.CreateTempSubdirectory("slapos-e2e-").FullName;
    private WebApplication master = null!;
    private IHost node = null!;

    private ISlapMaster Slap => master.Services.GetRequiredService<ISlapMaster>();

    private INodeAgent Agent => node.Services.GetRequiredService<INodeAgent>();

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

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
            ["SlapOS:Slave:PartitionAmount"] = "2",
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
            // The second partition gets its own loopback range so parallel test classes never share addresses.
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
        });
        nodeBuilder.Services.AddSlapOSSlave(s => s.UseJsonMasterClient().UseNativeBuildout().UseNativeSupervisor().UseUnprivilegedFormatter());
        node = nodeBuilder.Build();
        await node.StartAsync();

        Assert.Equal(NodeExitCode.Ok, (await Agent.FormatAsync()).ExitCode);
        await Slap.SupplyAsync(Computer, Release, SupplyState.Available, default);
    }

    public async Task DisposeAsync()
    {
        await node.StopAsync();
        node.Dispose();
        await master.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    private static InstanceRequest Request(RequestedState state = RequestedState.Started) => new()
    {
        Title = "e2e-hello",
        SoftwareReleaseUrl = Release,
        State = state,
        Parameters = new Dictionary<string, string> { ["name"] = "End2End", ["port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Requests <paramref name="request"/>, runs the node once, and reads the instance back as its requester.</summary>
    private async Task<SoftwareInstance> ConvergeAsync(InstanceRequest request)
    {
        await Slap.RequestAsync(request, default);
        Assert.Equal(NodeExitCode.Ok, (await Agent.SoftwareAsync()).ExitCode);
        var run = await Agent.InstanceAsync();
        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));
        return await Slap.RequestAsync(request, default);
    }

    [Fact]
    public async Task The_node_runs_the_instance_publishes_its_url_then_stops_and_destroys_it()
    {
        var request = Request();
        var allocated = await Slap.RequestAsync(request, default);
        var partitionPath = Path.Combine(root, "srv", allocated.PartitionReference!);

        // Deployed and started: the service answers on the partition's address, its promise passed,
        // and the requester reads the published URL on its next request.
        var running = await ConvergeAsync(request);
        Assert.Equal(ReportedState.Started, running.ReportedState);
        var url = running.ConnectionParameters["url"];
        var address = (await Slap.ListPartitionsAsync(Computer, default)).Single(p => p.Reference == allocated.PartitionReference).Addresses[0].Address;
        Assert.StartsWith($"http://{address}:", url, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            Assert.Equal("Hello End2End", (await http.GetStringAsync(url)).Trim());
        }

        var promise = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(partitionPath, ".slapgrid", "promise", "hello-web.status.json")));
        Assert.Contains(promise.RootElement.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.True);

        // Usage reaches the master's accounting.
        Assert.Equal(NodeExitCode.Ok, (await Agent.ReportAsync()).ExitCode);
        var usage = new List<UsageRecord>();
        await foreach (var record in Slap.ListUsageAsync(Computer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), default))
        {
            usage.Add(record);
        }

        Assert.Contains(usage, r => r.PartitionReference == allocated.PartitionReference && r.ProcessCount >= 1);

        // Stopped: the processes are gone.
        var supervisor = node.Services.GetRequiredService<IProcessSupervisor>();
        var pid = (await supervisor.GetStatusAsync(allocated.PartitionReference!, default)).Single().ProcessId!.Value;
        var stopped = await ConvergeAsync(request with { State = RequestedState.Stopped });
        Assert.Equal(ReportedState.Stopped, stopped.ReportedState);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal));
        Assert.All(await supervisor.GetStatusAsync(allocated.PartitionReference!, default), s => Assert.Null(s.ProcessId));

        // Destroyed: the partition is wiped and free again on the master.
        await Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
        await Agent.InstanceAsync();
        Assert.Equal(NodeExitCode.Ok, (await Agent.ReportAsync()).ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(partitionPath));
        Assert.Null(await Slap.FindInstanceAsync(InstanceRequest.RootRequester, request.Title, default));
        var partition = (await Slap.ListPartitionsAsync(Computer, default)).Single(p => p.Reference == allocated.PartitionReference);
        Assert.Equal(PartitionState.Free, partition.State);
    }

    [Fact]
    public async Task An_unchanged_instance_is_skipped_by_the_next_run()
    {
        var request = Request();
        await Slap.RequestAsync(request, default);
        await ConvergeAsync(request);
        var partition = (await Slap.RequestAsync(request, default)).PartitionReference!;
        var buildout = Path.Combine(root, "srv", partition, "buildout.cfg");
        var written = File.GetLastWriteTimeUtc(buildout);

        var again = await Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, again.ExitCode);
        Assert.Equal(written, File.GetLastWriteTimeUtc(buildout));
    }
}
