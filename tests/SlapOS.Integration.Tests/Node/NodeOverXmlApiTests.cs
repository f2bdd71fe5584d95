using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// The node speaking the legacy XML slap API (as it does to a real SlapOS master) converges an
/// instance, publishes its URL, and destroys it.
/// </summary>
public sealed class NodeOverXmlApiTests : IAsyncLifetime
{
    private LoopbackCloud cloud = null!;

    public async Task InitializeAsync() => cloud = await LoopbackCloud.StartAsync("COMP-XML", node => node.UseNativeBuildout(), partitions: 1, xmlClient: true);

    public async Task DisposeAsync() => await cloud.DisposeAsync();

    [Fact]
    public async Task A_node_on_the_xml_api_deploys_and_destroys_hello_web()
    {
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.FormatAsync()).ExitCode);
        await cloud.Slap.SupplyAsync(cloud.Computer, LoopbackCloud.HelloWeb, SupplyState.Available, default);
        var request = new InstanceRequest
        {
            Title = "xml-hello",
            SoftwareReleaseUrl = LoopbackCloud.HelloWeb,
            Parameters = new Dictionary<string, string> { ["name"] = "Xml", ["port"] = LoopbackCloud.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        await cloud.Slap.RequestAsync(request, default);

        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.SoftwareAsync()).ExitCode);
        var run = await cloud.Agent.InstanceAsync();
        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));
        var running = await cloud.Slap.RequestAsync(request, default);
        Assert.Equal(ReportedState.Started, running.ReportedState);
        using (var http = new HttpClient())
        {
            Assert.Equal("Hello Xml", (await http.GetStringAsync(running.ConnectionParameters["url"])).Trim());
        }

        Assert.Equal(SoftwareInstallationState.Available, (await cloud.Slap.ListSoftwareInstallationsAsync(cloud.Computer, default)).Single().ReportedState);

        await cloud.Slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
        await cloud.Agent.InstanceAsync();
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.ReportAsync()).ExitCode);
        Assert.Null(await cloud.Slap.FindInstanceAsync(InstanceRequest.RootRequester, request.Title, default));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cloud.PartitionPath(running.PartitionReference!)));
    }
}
