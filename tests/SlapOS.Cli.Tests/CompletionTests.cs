using SlapOS.Cli.Commands;

namespace SlapOS.Cli.Tests;

/// <summary><c>slapos completion bash|zsh|pwsh</c> and the <c>[suggest]</c> directive the scripts call.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("bash", "complete -o default -F _slapos_complete slapos")]
    [InlineData("zsh", "compdef _slapos_complete slapos")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName slapos")]
    public async Task Completion_prints_a_script_that_asks_the_suggest_directive(string shell, string registration)
    {
        var (code, output, _) = await RunAsync("completion", shell);

        Assert.Equal(0, code);
        Assert.Contains(registration, output, StringComparison.Ordinal);
        Assert.Contains("slapos \"[suggest:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        var (code, _, error) = await RunAsync("completion", "fish");

        Assert.Equal(2, code);
        Assert.Contains("hint: see 'slapos completion --help'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_suggest_directive_completes_a_partial_command_line()
    {
        var (code, output, error) = await RunAsync("[suggest:4]", "serv");

        Assert.True(code == 0, error);
        Assert.Contains("service", output.Split('\n', StringSplitOptions.TrimEntries));

        (code, output, _) = await RunAsync("[suggest:9]", "computer ");
        Assert.Equal(0, code);
        var words = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("list", words);
        Assert.Contains("info", words);
        Assert.DoesNotContain("request", words);
    }

    [Fact]
    public void Completions_follow_the_command_tree()
    {
        var root = SlapCli.Build();

        Assert.Contains("--wait", CompletionCommand.Complete(root, "request t u --wa"));
        Assert.Contains("started", CompletionCommand.Complete(root, "request t u --state "));
        Assert.Contains("destroy", CompletionCommand.Complete(root, "de"));
        Assert.DoesNotContain("supply", CompletionCommand.Complete(root, "de"));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SlapCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
