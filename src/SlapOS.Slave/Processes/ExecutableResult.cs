namespace SlapOS.Slave.Processes;

/// <summary>How one run of a partition executable ended.</summary>
/// <param name="ExitCode">Its exit code; <see langword="null"/> when it could not start or was killed on timeout.</param>
/// <param name="TimedOut">Whether it was killed because it ran past its timeout.</param>
/// <param name="Output">The tail of its standard output and error (or why it could not start).</param>
internal sealed record ExecutableResult(int? ExitCode, bool TimedOut, string Output)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}
