namespace SlapOS.Cli.Tests;

/// <summary>Every failure is one line, <c>slapos: error: what. hint: what to do</c>, never a stack trace.</summary>
public sealed class ErrorLineTests
{
    [Fact]
    public async Task An_unreachable_master_names_it_and_hints_at_the_configuration()
    {
        var (code, _, error) = await RunAsync("computer", "list", "--master-url", "http://127.0.0.1:9");

        Assert.Equal(3, code);
        var line = Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("slapos: error: cannot reach the master at http://127.0.0.1:9/ (", line, StringComparison.Ordinal);
        Assert.EndsWith(". hint: check --master-url, or master_url in the client configuration ('slapos configure client --master-url URL')", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_line_that_does_not_parse_hints_at_the_command_help()
    {
        var (code, _, error) = await RunAsync("request", "only-a-title");

        Assert.Equal(2, code);
        var line = Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("slapos: error: ", line, StringComparison.Ordinal);
        Assert.EndsWith(". hint: see 'slapos request --help'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_master_at_all_hints_at_how_to_configure_one()
    {
        // An empty configuration file: no master_url in it, and no --master-url.
        var (code, _, error) = await RunAsync("service", "info", "x", "--cfg", "/dev/null");

        Assert.Equal(2, code);
        Assert.Equal("slapos: error: no master URL. hint: pass --master-url or run 'slapos configure client --master-url URL'", error.TrimEnd());
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SlapCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
