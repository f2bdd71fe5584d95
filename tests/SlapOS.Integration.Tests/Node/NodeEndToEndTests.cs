using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;
using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// Master and node on loopback with the embedded defaults (SQLite, JSON API client, native buildout,
/// native supervisor, unprivileged formatter) running the hello-web sample release for real.
/// </summary>
public sealed class NodeEndToEndTests : IAsyncLifetime
{
    private LoopbackCloud cloud = null!;

    private ISlapMaster Slap => cloud.Slap;

    private INodeAgent Agent => cloud.Agent;

    private string Computer => cloud.Computer;

    private static string Release => LoopbackCloud.HelloWeb;

    public async Task InitializeAsync()
    {
        cloud = await LoopbackCloud.StartAsync("COMP-E2E", node => node.UseNativeBuildout());
        Assert.Equal(NodeExitCode.Ok, (await Agent.FormatAsync()).ExitCode);
        await Slap.SupplyAsync(Computer, Release, SupplyState.Available, default);
    }

    public async Task DisposeAsync() => await cloud.DisposeAsync();

    private static InstanceRequest Request(RequestedState state = RequestedState.Started) => new()
    {
        Title = "e2e-hello",
        SoftwareReleaseUrl = Release,
        State = state,
        Parameters = new Dictionary<string, string> { ["name"] = "End2End", ["port"] = LoopbackCloud.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

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
        var partitionPath = cloud.PartitionPath(allocated.PartitionReference!);

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
        var supervisor = cloud.Node.Services.GetRequiredService<IProcessSupervisor>();
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
        var buildout = Path.Combine(cloud.PartitionPath(partition), "buildout.cfg");
        var written = File.GetLastWriteTimeUtc(buildout);

        var again = await Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, again.ExitCode);
        Assert.Equal(written, File.GetLastWriteTimeUtc(buildout));
    }
}
