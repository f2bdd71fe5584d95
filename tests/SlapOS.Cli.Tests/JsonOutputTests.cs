using System.CommandLine;
using System.CommandLine.Completions;
using System.Text.Json;

namespace SlapOS.Cli.Tests;

/// <summary><c>--json</c>: accepted by every command, and standard output is one JSON document.</summary>
public sealed class JsonOutputTests(LiveMaster master) : IClassFixture<LiveMaster>
{
    [Fact]
    public void Every_command_accepts_json()
    {
        var commands = Leaves(SlapCli.Build(), []).ToList();

        Assert.Contains(commands, c => c.Path.SequenceEqual(["request"]));
        Assert.Contains(commands, c => c.Path.SequenceEqual(["node", "format"]));
        Assert.Contains(commands, c => c.Path.SequenceEqual(["console"]));
        foreach (var (path, command) in commands)
        {
            var args = path.Concat(MinimalArguments(command)).ToList();
            Assert.Empty(SlapCli.Build().Parse([.. args]).Errors);
            var parsed = SlapCli.Build().Parse([.. args, "--json"]);
            Assert.True(parsed.Errors.Count == 0, $"{string.Join(' ', path)} --json: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
            Assert.True(parsed.GetValue<bool>("--json"), string.Join(' ', path));
        }

        // The walk can fail: an option no command knows is refused.
        Assert.NotEmpty(SlapCli.Build().Parse(["computer", "list", "--jsonx"]).Errors);
    }

    [Theory]
    [InlineData("computer", "list")]
    [InlineData("computer", "info", LiveMaster.Computer)]
    [InlineData("supply", "https://example.com/sr/json/software.cfg", LiveMaster.Computer)]
    [InlineData("service", "list")]
    [InlineData("completion", "zsh")]
    public async Task Json_output_is_one_json_document(params string[] args)
    {
        var (code, output, error) = await master.RunAsync([.. args, "--json"]);

        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(output);
        Assert.True(document.RootElement.ValueKind is JsonValueKind.Object);
    }

    [Fact]
    public async Task Json_of_computer_info_and_destroy_carry_the_documents()
    {
        Assert.Equal(0, (await master.RunAsync("request", "cli-json-destroy", LiveMaster.Release, "--sla", $"computer_guid={LiveMaster.Computer}")).ExitCode);

        var (code, output, _) = await master.RunAsync("computer", "info", LiveMaster.Computer, "--json");
        Assert.Equal(0, code);
        using (var document = JsonDocument.Parse(output))
        {
            Assert.Contains(document.RootElement.GetProperty("instance_list").EnumerateArray(), i => i.GetProperty("title").GetString() == "cli-json-destroy");
        }

        (code, output, _) = await master.RunAsync("destroy", "cli-json-destroy", "--json");
        Assert.Equal(0, code);
        using (var document = JsonDocument.Parse(output))
        {
            Assert.Equal("destroyed", document.RootElement.GetProperty("state").GetString());
        }

        (code, output, _) = await master.RunAsync("destroy", "cli-json-destroy");
        Assert.Equal(0, code);
        Assert.Equal("Requested instance 'cli-json-destroy' destroyed.", output.TrimEnd());
    }

    private static IEnumerable<(string[] Path, Command Command)> Leaves(Command command, string[] path)
    {
        if (command.Action is not null && path.Length > 0)
        {
            yield return (path, command);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var leaf in Leaves(sub, [.. path, sub.Name]))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>Values for the command's required arguments and options: an allowed value where the choice is closed.</summary>
    private static IEnumerable<string> MinimalArguments(Command command)
    {
        foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0))
        {
            yield return Value(argument.GetCompletions(CompletionContext.Empty));
        }

        foreach (var option in command.Options.Where(o => o.Required))
        {
            yield return option.Name;
            yield return Value(option.GetCompletions(CompletionContext.Empty));
        }
    }

    private static string Value(IEnumerable<CompletionItem> completions) => completions.Select(c => c.Label).FirstOrDefault() ?? "x";
}
