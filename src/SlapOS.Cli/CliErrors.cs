using System.CommandLine;

namespace SlapOS.Cli;

/// <summary>
/// The one home of error rendering: every failure is one line on standard error, <c>slapos: error: what. hint: what to
/// do</c>, with the exit code it stands for (2 usage, 3 master unreachable, 124 timeout, 130 cancelled, 1 otherwise); never a stack trace.
/// </summary>
internal static class CliErrors
{
    /// <summary>The hint for anything that points at the wrong master or none.</summary>
    public const string MasterHint = "check --master-url, or master_url in the client configuration ('slapos configure client --master-url URL')";

    /// <summary>Writes the line for a command line that did not parse.</summary>
    public static int WriteParseError(TextWriter error, ParseResult parseResult)
    {
        var command = string.Join(' ', CommandPath(parseResult.CommandResult.Command));
        error.WriteLine(Line(parseResult.Errors[0].Message, $"see '{command} --help'"));
        return 2;
    }

    /// <summary>Writes the line for <paramref name="exception"/> and returns its exit code.</summary>
    public static int Write(TextWriter error, Exception exception)
    {
        (string Message, string? Hint, int Code) described = exception switch
        {
            CliException e => (e.Message, e.Hint, e.ExitCode),
            HttpRequestException e => (e.Message, MasterHint, 3),
            SlapException e => (e.Message, null, 1),
            UnauthorizedAccessException e => (e.Message, "check the file permissions, or run as the user that owns the files", 1),
            IOException e => (e.Message, null, 1),
            System.Security.Cryptography.CryptographicException e => (e.Message, "check key_file, cert_file and master_ca_file in the client configuration", 1),
            _ => ($"unexpected {exception.GetType().Name}: {exception.Message}", "this is a bug in slapos: please report it with the command line that caused it", 1),
        };
        error.WriteLine(Line(described.Message, described.Hint));
        return described.Code;
    }

    /// <summary><c>slapos: error: message. hint: hint</c> on one line.</summary>
    public static string Line(string message, string? hint)
    {
        var text = OneLine(message).TrimEnd('.');
        return hint is null ? $"slapos: error: {text}" : $"slapos: error: {text}. hint: {OneLine(hint)}";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static Stack<string> CommandPath(Command command)
    {
        var path = new Stack<string>();
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            path.Push(symbol is RootCommand ? "slapos" : c.Name);
        }

        return path;
    }
}
