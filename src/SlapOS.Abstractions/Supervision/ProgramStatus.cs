namespace SlapOS;

/// <summary>The status of one supervised program.</summary>
/// <param name="Group">The process group.</param>
/// <param name="Name">The program name.</param>
/// <param name="State">Its state.</param>
/// <param name="ProcessId">Its process id while running.</param>
/// <param name="StartedAt">When it was last started.</param>
/// <param name="ExitCode">Its last exit code.</param>
public sealed record ProgramStatus(
    string Group,
    string Name,
    ProgramState State,
    int? ProcessId,
    DateTimeOffset? StartedAt,
    int? ExitCode);
