using System.CommandLine;
using SlapOS.Cli.Commands;

namespace SlapOS.Cli;

/// <summary>The <c>slapos</c> command tree and its invocation; failures are rendered by <see cref="CliErrors"/>.</summary>
internal static class SlapCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("slapos: the SlapOS for .NET command-line tool")
        {
            GlobalOptions.MasterUrl,
            GlobalOptions.ConfigurationFile,
            GlobalOptions.Json,
            RequestCommand.Create(),
            SupplyCommand.Create("supply", "available", "Ask a computer to install a software release"),
            SupplyCommand.Create("remove", "destroyed", "Ask a computer to remove a software release"),
            ServiceCommand.Create(),
            ComputerCommand.Create(),
            CertificateCommand.Create(),
            ConfigureCommand.Create(),
            NodeCommand.Create(),
            SystemdService.MasterCommand.Create(),
            DestroyCommand.Create(),
            CompletionCommand.Create(),
            SlapConsole.ConsoleCommand.Create(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parseResult = Build().Parse(args);

        // The [suggest] directive (shell completion) answers for a partial command line: its parse errors are expected.
        if (parseResult.Errors.Count > 0 && parseResult.Action is not { ClearsParseErrors: true })
        {
            return CliErrors.WriteParseError(error, parseResult);
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("slapos: cancelled");
            return 130;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return CliErrors.Write(error, e);
        }
    }
}
