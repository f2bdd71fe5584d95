using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// The frontend sample release hosts shared instances: each one requested on it gets its own published
/// URL, which answers with its title and backend — with the native engine and with zc.buildout.
/// </summary>
public sealed class FrontendSampleTests
{
    private static string Frontend => Path.Combine(AppContext.BaseDirectory, "software", "frontend", "software.cfg");

    [Theory]
    [InlineData("native")]
    [InlineData("zc.buildout")]
    public async Task Each_shared_instance_gets_its_own_url_on_the_frontend(string installer)
    {
        await using var cloud = await LoopbackCloud.StartAsync(
            installer == "native" ? "COMP-FRONT" : "COMP-FRONT-ZC",
            node => installer == "native" ? node.UseNativeBuildout() : node.UseBuildout(),
            partitions: 1);
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.FormatAsync()).ExitCode);
        await cloud.Slap.SupplyAsync(cloud.Computer, Frontend, SupplyState.Available, default);
        var port = LoopbackCloud.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = new InstanceRequest { Title = "frontend", SoftwareReleaseUrl = Frontend, Parameters = new Dictionary<string, string> { ["port"] = port } };
        await cloud.Slap.RequestAsync(host, default);
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.SoftwareAsync()).ExitCode);
        var first = await cloud.Agent.InstanceAsync();
        Assert.True(first.ExitCode == NodeExitCode.Ok, first.Message ?? string.Join("; ", first.Outcomes));

        var shop = new InstanceRequest { Title = "shop", SoftwareReleaseUrl = Frontend, Shared = true, Parameters = new Dictionary<string, string> { ["backend"] = "http://shop.internal/" } };
        var blog = new InstanceRequest { Title = "blog", SoftwareReleaseUrl = Frontend, Shared = true, Parameters = new Dictionary<string, string> { ["backend"] = "http://blog.internal/" } };
        await cloud.Slap.RequestAsync(shop, default);
        await cloud.Slap.RequestAsync(blog, default);
        var run = await cloud.Agent.InstanceAsync();
        Assert.True(run.ExitCode == NodeExitCode.Ok, run.Message ?? string.Join("; ", run.Outcomes));

        var shopUrl = (await cloud.Slap.RequestAsync(shop, default)).ConnectionParameters["url"];
        var blogUrl = (await cloud.Slap.RequestAsync(blog, default)).ConnectionParameters["url"];
        Assert.NotEqual(shopUrl, blogUrl);
        using var http = new HttpClient();
        Assert.Equal("Frontend for shop -> http://shop.internal/", (await http.GetStringAsync(shopUrl)).Trim());
        Assert.Equal("Frontend for blog -> http://blog.internal/", (await http.GetStringAsync(blogUrl)).Trim());

        await cloud.Slap.RequestAsync(host with { State = RequestedState.Destroyed }, default);
        await cloud.Agent.InstanceAsync();
        await cloud.Agent.ReportAsync();
    }
}
