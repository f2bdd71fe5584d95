using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SlapOS;

namespace SlapOSProvider1;

/// <summary>
/// A process supervisor for the node: one process group per partition. This starting point audits every
/// change made to a group (a log line per update, start, stop and removal) and leaves running the processes
/// to an inner supervisor (the native one by default). Replace the delegation with your own supervisor
/// (systemd units, containers, a remote agent…): the conformance tests say whether it keeps the contract.
/// </summary>
public sealed partial class AuditedSupervisor(IProcessSupervisor inner, ILogger<AuditedSupervisor> logger) : IProcessSupervisor, IAsyncDisposable
{
    /// <inheritdoc />
    public async Task UpdateGroupAsync(string group, IReadOnlyList<ProgramDefinition> programs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(programs);
        await inner.UpdateGroupAsync(group, programs, cancellationToken).ConfigureAwait(false);
        GroupUpdated(group, programs.Count);
    }

    /// <inheritdoc />
    public async Task StartGroupAsync(string group, CancellationToken cancellationToken)
    {
        await inner.StartGroupAsync(group, cancellationToken).ConfigureAwait(false);
        GroupChanged(group, "started");
    }

    /// <inheritdoc />
    public async Task StopGroupAsync(string group, CancellationToken cancellationToken)
    {
        await inner.StopGroupAsync(group, cancellationToken).ConfigureAwait(false);
        GroupChanged(group, "stopped");
    }

    /// <inheritdoc />
    public async Task RemoveGroupAsync(string group, CancellationToken cancellationToken)
    {
        await inner.RemoveGroupAsync(group, cancellationToken).ConfigureAwait(false);
        GroupChanged(group, "removed");
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(string group, CancellationToken cancellationToken) =>
        inner.GetStatusAsync(group, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ProgramCrash> WatchCrashesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var crash in inner.WatchCrashesAsync(cancellationToken).ConfigureAwait(false))
        {
            ProgramCrashed(crash.Group, crash.Name, crash.ExitCode);
            yield return crash;
        }
    }

    /// <summary>Lets go of the processes (they keep running; the next supervisor over the same state adopts them).</summary>
    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group} updated: {Count} program(s)")]
    private partial void GroupUpdated(string group, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group} {Change}")]
    private partial void GroupChanged(string group, string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Program {Group}:{Name} crashed with exit code {ExitCode}")]
    private partial void ProgramCrashed(string group, string name, int? exitCode);
}
