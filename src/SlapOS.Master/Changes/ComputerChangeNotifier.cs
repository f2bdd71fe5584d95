using System.Collections.Concurrent;

namespace SlapOS.Master.Changes;

/// <summary>
/// Wakes the long-polls waiting in this process for a computer, when the store's change feed says its stamp may
/// have moved (see <see cref="ComputerChangeListener"/>). A hint only: a woken long-poll reads the stamp from the
/// store and answers from it, so a lost or spurious wake-up never makes a wrong answer.
/// </summary>
public sealed class ComputerChangeNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> signals = new(StringComparer.Ordinal);

    /// <summary>Wakes every long-poll waiting on <paramref name="computerReference"/>, or every one when it is <see langword="null"/>.</summary>
    public void Signal(string? computerReference)
    {
        if (computerReference is null)
        {
            foreach (var computer in signals.Keys)
            {
                Signal(computer);
            }
        }
        else if (signals.TryRemove(computerReference, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="computerReference"/> is signalled (true) or <paramref name="timeout"/> passes (false).</summary>
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
