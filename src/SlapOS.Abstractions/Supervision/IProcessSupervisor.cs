namespace SlapOS;

/// <summary>
/// Runs the processes of computer partitions: one process group per partition, programs as the
/// partition user, restart on crash, logs per program.
/// </summary>
public interface IProcessSupervisor
{
    /// <summary>Makes the group's programs exactly <paramref name="programs"/> (adds, changes, removes); does not start them.</summary>
    Task UpdateGroupAsync(string group, IReadOnlyList<ProgramDefinition> programs, CancellationToken cancellationToken);

    /// <summary>Starts every program of the group that is not running.</summary>
    Task StartGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Stops every program of the group (the whole process tree of each).</summary>
    Task StopGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>Stops and forgets the group.</summary>
    Task RemoveGroupAsync(string group, CancellationToken cancellationToken);

    /// <summary>The status of each program of the group (empty for an unknown group).</summary>
    Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(string group, CancellationToken cancellationToken);

    /// <summary>Crashes of watched programs, as they happen.</summary>
    IAsyncEnumerable<ProgramCrash> WatchCrashesAsync(CancellationToken cancellationToken);
}
