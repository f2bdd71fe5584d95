namespace SlapOS.Cli.Tests;

public class UnreachableMasterTests
{
    [Fact]
    public async Task An_unreachable_master_is_one_clear_line_and_exit_code_three()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Port 9 (discard) is not served on loopback here: the connection is refused at once.
        var code = await SlapCli.RunAsync(["service", "list", "--master-url", "http://127.0.0.1:9"], output, error);

        Assert.Equal(3, code);
        Assert.StartsWith("slapos: error: cannot reach the master at http://127.0.0.1:9/", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task No_master_url_at_all_says_how_to_configure_one()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.cfg");

        var code = await SlapCli.RunAsync(["service", "list", "--cfg", missing], output, error);

        Assert.Equal(1, code);
        Assert.Contains("does not exist", error.ToString(), StringComparison.Ordinal);
    }
}
