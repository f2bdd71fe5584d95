using System.CommandLine;
using SlapOS.Cli.Commands;

namespace SlapOS.Cli;

/// <summary>The <c>slapos</c> command tree and its error handling: one line on standard error and a non-zero exit code, never a stack trace.</summary>
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
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parseResult = Build().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            var message = string.Join(' ', parseResult.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
            await error.WriteLineAsync($"slapos: error: {message} (see 'slapos --help')");
            return 2;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"slapos: error: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("slapos: cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException or SlapException)
        {
            await error.WriteLineAsync($"slapos: error: {e.Message}");
            return 1;
        }
    }
}
