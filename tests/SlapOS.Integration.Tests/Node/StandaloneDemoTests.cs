using SlapOS.Samples.Standalone;

namespace SlapOS.Integration.Tests.Node;

public class StandaloneDemoTests
{
    [Fact]
    public async Task The_readme_demo_deploys_hello_web_checks_its_url_and_cleans_up()
    {
        using var output = new StringWriter();

        var code = await new StandaloneDemo(output).RunAsync(CancellationToken.None);

        var text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("-> Hello SlapOS", text, StringComparison.Ordinal);
        Assert.Contains("[master] instance destroyed, partition freed", text, StringComparison.Ordinal);
    }
}
