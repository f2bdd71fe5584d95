namespace SlapOS;

/// <summary>A watched program exited unexpectedly.</summary>
/// <param name="Group">The process group (the partition).</param>
/// <param name="Name">The program name.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="At">When it exited.</param>
public sealed record ProgramCrash(string Group, string Name, int? ExitCode, DateTimeOffset At);
