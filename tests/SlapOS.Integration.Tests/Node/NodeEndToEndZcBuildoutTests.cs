using SlapOS.Master;
using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// The node end to end with the real zc.buildout as its installer (native supervisor,
/// unprivileged formatter): hello-web from our master runs, publishes its URL, and is destroyed.
/// </summary>
public sealed class NodeEndToEndZcBuildoutTests : IAsyncLifetime
{
    private LoopbackCloud cloud = null!;

    private ISlapMaster Slap => cloud.Slap;

    private INodeAgent Agent => cloud.Agent;

    private static string Release => LoopbackCloud.HelloWeb;

    public async Task InitializeAsync()
    {
        Assert.True(
            File.Exists("/usr/bin/python3") && Directory.Exists("/usr/lib/python3/dist-packages/zc/buildout"),
            "This test needs Debian's /usr/bin/python3 with python3-zc.buildout and python3-setuptools (scripts/test.sh installs them).");
        cloud = await LoopbackCloud.StartAsync("COMP-E2E-ZC", node => node.UseBuildout(), partitions: 1);
        Assert.Equal(NodeExitCode.Ok, (await Agent.FormatAsync()).ExitCode);
        await Slap.SupplyAsync(cloud.Computer, Release, SupplyState.Available, default);
    }

    public async Task DisposeAsync()
    {
        if (cloud is not null)
        {
            await cloud.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_node_deploys_hello_web_with_zc_buildout_serves_it_and_destroys_it()
    {
        var request = new InstanceRequest
        {
            Title = "e2e-zc-hello",
            SoftwareReleaseUrl = Release,
            State = RequestedState.Started,
            Parameters = new Dictionary<string, string> { ["name"] = "zc.buildout", ["port"] = LoopbackCloud.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var allocated = await Slap.RequestAsync(request, default);
        var partitionPath = cloud.PartitionPath(allocated.PartitionReference!);

        Assert.Equal(NodeExitCode.Ok, (await Agent.SoftwareAsync()).ExitCode);
        Assert.True(Directory.Exists(Path.Combine(cloud.Root, "opt", ".zc-buildout")), "the software was installed by zc.buildout");
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
