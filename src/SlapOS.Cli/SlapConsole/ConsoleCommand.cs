using System.CommandLine;
using SlapOS.Cli.Commands;
using SlapOS.Cli.Configuration;

namespace SlapOS.Cli.SlapConsole;

/// <summary>
/// <c>slapos console [FILE]</c>: SlapOS's slapconsole. An interactive prompt bound to the configured master where
/// <c>request</c>, <c>supply</c>, <c>service list|info</c>, <c>computer list|info</c>, <c>destroy</c>… are typed as on the
/// command line, with history and Tab completion; with a script file (or <c>--script FILE</c>, or redirected standard
/// input) it runs its lines, a script stopping at the first failing one.
/// </summary>
internal static class ConsoleCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("script") { Description = "A file of console lines to run instead of prompting", Arity = ArgumentArity.ZeroOrOne };
        var script = new Option<FileInfo?>("--script") { Description = "A file of console lines to run instead of prompting" };
        var command = new Command("console", "Interactive prompt on the configured master (request, supply, service, computer, destroy…), or run a script of such lines") { file, script };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(script) ?? parseResult.GetValue(file);
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var inherited = Inherited(parseResult);
            if (path is not null)
            {
                if (!path.Exists)
                {
                    throw new CliException($"script '{path.FullName}' does not exist", 2);
                }

                using var reader = path.OpenText();
                return await new ConsoleSession(new TextLineReader(reader), output, error, inherited) { StopOnError = true, Source = path.Name }.RunAsync(cancellationToken);
            }

            if (System.Console.IsInputRedirected)
            {
                return await new ConsoleSession(new TextLineReader(System.Console.In), output, error, inherited) { StopOnError = true, Source = "stdin" }.RunAsync(cancellationToken);
            }

            var masterUrl = GlobalOptions.ResolveMasterUrl(parseResult, ClientConfiguration.Load(parseResult.GetValue(GlobalOptions.ConfigurationFile)));
            output.WriteLine($"slapos console on {masterUrl}: type a command as on the command line (help, Tab to complete, exit to leave).");
            var root = SlapCli.Build();
            var history = Path.Combine(Path.GetDirectoryName(ClientConfiguration.DefaultPath)!, "console_history");
            var editor = new TerminalLineEditor(line => CompletionCommand.Complete(root, line), history);
            return await new ConsoleSession(editor, output, error, inherited).RunAsync(cancellationToken);
        });
        return command;
    }

    /// <summary>The console's own global options, given again to every line.</summary>
    private static List<string> Inherited(ParseResult parseResult)
    {
        var options = new List<string>();
        if (parseResult.GetValue(GlobalOptions.MasterUrl) is { } url)
        {
            options.AddRange(["--master-url", url]);
        }

        if (parseResult.GetValue(GlobalOptions.ConfigurationFile) is { } cfg)
        {
            options.AddRange(["--cfg", cfg]);
        }

        if (Output.IsJson(parseResult))
        {
            options.Add("--json");
        }

        return options;
    }
}
