namespace SlapOS.Cli;

/// <summary>A failure the CLI reports as one line on standard error with a non-zero exit code, and what to do about it.</summary>
internal sealed class CliException(string message, int exitCode = 1, string? hint = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>What the user can do about it, printed after the message on the same line.</summary>
    public string? Hint { get; } = hint;
}
