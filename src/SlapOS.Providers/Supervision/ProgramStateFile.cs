namespace SlapOS.Providers.Supervision;

/// <summary>What the supervisor keeps on disk for one program: its definition and, while it runs, its identity.</summary>
internal sealed record ProgramStateFile
{
    public required ProgramDefinition Definition { get; init; }

    public int? ProcessId { get; init; }

    /// <summary>Start time of the process in clock ticks since boot, to tell it from a later process with the same pid.</summary>
    public long? StartTicks { get; init; }

    public DateTimeOffset? StartedAt { get; init; }
}
