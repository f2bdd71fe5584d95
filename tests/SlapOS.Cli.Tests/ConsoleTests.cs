using System.Text.RegularExpressions;
using SlapOS.Cli.SlapConsole;

namespace SlapOS.Cli.Tests;

/// <summary><c>slapos console</c>: the same command tree as the CLI, typed at a prompt or run from a script.</summary>
public sealed partial class ConsoleTests : IAsyncLifetime
{
    private static readonly string[] Script =
    [
        "# a slapconsole script",
        $"supply https://example.com/sr/console/software.cfg {LiveMaster.Computer}",
        $"request console-one {LiveMaster.Release} --parameters name=World --sla computer_guid={LiveMaster.Computer}",
        "",
        "service info console-one",
        "service list",
        "computer list",
        $"computer info {LiveMaster.Computer}",
        "destroy console-one",
        $"computer info {LiveMaster.Computer}",
    ];

    private readonly LiveMaster forCli = new();
    private readonly LiveMaster forConsole = new();

    public async Task InitializeAsync()
    {
        await forCli.InitializeAsync();
        await forConsole.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await forCli.DisposeAsync();
        await forConsole.DisposeAsync();
    }

    [Fact]
    public async Task A_script_gives_the_same_results_as_the_cli()
    {
        // The CLI, one process per line, on one master...
        var expected = new System.Text.StringBuilder();
        foreach (var line in Script.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var (code, output, error) = await forCli.RunAsync(System.CommandLine.Parsing.CommandLineParser.SplitCommandLine(line).ToArray());
            Assert.True(code == 0, $"{line}: {error}");
            expected.Append(output);
        }

        // ...and the console running the same lines as a script on a twin master (fresh, same computer).
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, Script);
            var (code, actual, error) = await forConsole.RunAsync("console", "--script", file);

            Assert.True(code == 0, error);
            Assert.Empty(error);
            Assert.Contains("Requested instance 'console-one' destroyed.", actual, StringComparison.Ordinal);
            Assert.Equal(Normalize(expected.ToString()), Normalize(actual));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_script_stops_at_its_first_failing_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, ["computer list", "service info no-such-instance", "computer list"]);
            var (code, output, error) = await forConsole.RunAsync("console", file);

            Assert.Equal(1, code);
            Assert.Single(Regex.Matches(output, "List of Computers"));
            var lines = error.TrimEnd().Split('\n');
            Assert.Equal("slapos: error: instance tree 'no-such-instance' does not exist", lines[0]);
            Assert.Equal($"slapos: error: {Path.GetFileName(file)}:2: 'service info no-such-instance' failed with exit code 1. hint: the lines after it were not run", lines[1]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_interactive_session_keeps_going_after_an_error_and_refuses_a_nested_console()
    {
        var reader = new ScriptedReader("computer list", "no-such-command", "console", "help", "exit", "computer list");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await new ConsoleSession(reader, output, error, ["--master-url", forConsole.Url]).RunAsync(CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Equal(5, reader.Prompts.Count);
        Assert.All(reader.Prompts, p => Assert.Equal(ConsoleSession.Prompt, p));
        Assert.Single(Regex.Matches(output.ToString(), "List of Computers"));
        Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
        var errors = error.ToString().TrimEnd().Split('\n');
        Assert.StartsWith("slapos: error: ", errors[0], StringComparison.Ordinal);
        Assert.EndsWith("hint: see 'slapos --help'", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("slapos: error: 'console' cannot run inside the console", errors[1], StringComparison.Ordinal);
    }

    /// <summary>What differs between two fresh masters: the instance references.</summary>
    private static string Normalize(string text) => InstanceReference().Replace(text, "SOFTINST-*");

    [GeneratedRegex("SOFTINST-[0-9a-f]+")]
    private static partial Regex InstanceReference();

    private sealed class ScriptedReader(params string[] lines) : ILineReader
    {
        private readonly Queue<string> remaining = new(lines);

        public List<string> Prompts { get; } = [];

        public Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken)
        {
            Prompts.Add(prompt);
            return Task.FromResult(remaining.TryDequeue(out var line) ? line : null);
        }
    }
}
