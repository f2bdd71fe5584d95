using System.Collections.Concurrent;

namespace SlapOS.Master.Changes;

/// <summary>
/// Wakes up nodes waiting for a change of their computer (long-poll), so a new request reaches its
/// node at once instead of at the next interval. In-process: with several masters on one database
/// a node still converges at its own interval, or when the master it waits on sees a change.
/// </summary>
public sealed class ComputerChangeNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> signals = new(StringComparer.Ordinal);

    /// <summary>Wakes every node waiting on <paramref name="computerReference"/>.</summary>
    public void Signal(string? computerReference)
    {
        if (computerReference is not null && signals.TryRemove(computerReference, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="computerReference"/> changes (true) or <paramref name="timeout"/> passes (false).</summary>
    public async Task<bool> WaitAsync(string computerReference, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = signals.GetOrAdd(computerReference, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await signal.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
