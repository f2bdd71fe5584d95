using System.CommandLine.Parsing;

namespace SlapOS.Cli.SlapConsole;

/// <summary>
/// The loop of <c>slapos console</c>: each line is a <c>slapos</c> command line without the program name, parsed and run
/// by the same command tree as the CLI (<see cref="SlapCli.RunAsync"/>), with the console's own <c>--master-url</c>,
/// <c>--cfg</c> and <c>--json</c> added unless the line gives them. Empty lines and <c>#</c> comments are skipped;
/// <c>exit</c> or <c>quit</c> (or the end of the input) ends the session.
/// </summary>
internal sealed class ConsoleSession(ILineReader reader, TextWriter output, TextWriter error, IReadOnlyList<string> inheritedOptions)
{
    public const string Prompt = "slapos> ";

    /// <summary>Commands a console line may not run (a console inside the console).</summary>
    private static readonly HashSet<string> Refused = new(StringComparer.Ordinal) { "console" };

    /// <summary>With <see langword="true"/> (a script), the session stops at the first failing line and returns its exit code.</summary>
    public bool StopOnError { get; init; }

    /// <summary>Where the lines come from, for the error that stops a script.</summary>
    public string Source { get; init; } = "console";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var number = 0;
        var last = 0;
        while (await reader.ReadLineAsync(Prompt, cancellationToken) is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (text is "exit" or "quit")
            {
                break;
            }

            last = await RunLineAsync(text, cancellationToken);
            if (last != 0 && StopOnError)
            {
                await error.WriteLineAsync(CliErrors.Line($"{Source}:{number}: '{text}' failed with exit code {last}", "the lines after it were not run"));
                return last;
            }
        }

        return StopOnError ? 0 : last;
    }

    private async Task<int> RunLineAsync(string text, CancellationToken cancellationToken)
    {
        var words = CommandLineParser.SplitCommandLine(text).ToList();
        if (words.Count > 0 && Refused.Contains(words[0]))
        {
            await error.WriteLineAsync(CliErrors.Line($"'{words[0]}' cannot run inside the console", "type the commands themselves: request, supply, service, computer, destroy…"));
            return 2;
        }

        if (words is ["help"])
        {
            words = ["--help"];
        }

        var args = new List<string>();
        for (var i = 0; i < inheritedOptions.Count; i++)
        {
            var option = inheritedOptions[i];
            var takesValue = option != "--json";
            if (!words.Contains(option, StringComparer.Ordinal))
            {
                args.Add(option);
                if (takesValue)
                {
                    args.Add(inheritedOptions[i + 1]);
                }
            }

            if (takesValue)
            {
                i++;
            }
        }

        args.AddRange(words);
        return await SlapCli.RunAsync([.. args], output, error, cancellationToken);
    }
}
