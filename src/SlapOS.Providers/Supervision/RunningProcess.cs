using System.Diagnostics;

namespace SlapOS.Providers.Supervision;

/// <summary>
/// One running program process: a child of this host, or a process adopted from a previous run of
/// the host (not our child: its exit is seen by polling <c>/proc</c>, its exit code is unknown).
/// </summary>
internal sealed class RunningProcess(int id, long startTicks, Process? child) : IDisposable
{
    public int Id { get; } = id;

    public long StartTicks { get; } = startTicks;

    public bool IsAdopted => child is null;

    public bool HasExited => child?.HasExited ?? !PosixProcess.IsAlive(Id, StartTicks);

    public int? ExitCode => child is { HasExited: true } ? child.ExitCode : null;

    /// <summary>Releases the handle of an exited child (its exit code has been read).</summary>
    public void Dispose() => child?.Dispose();

    public async Task<int?> WaitForExitAsync(TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        if (child is not null)
        {
            await child.WaitForExitAsync(cancellationToken);
            return child.ExitCode;
        }

        while (PosixProcess.IsAlive(Id, StartTicks))
        {
            await Task.Delay(pollInterval, time, cancellationToken);
        }

        return null;
    }
}
