namespace SlapOS;

/// <summary>
/// Where a master learns that a computer's change stamp (<see cref="IMasterStore.GetChangeStampAsync"/>) moved,
/// whichever master made the change. A hint only: whoever is woken reads the stamp from the store, the truth.
/// </summary>
public interface IComputerChangeFeed
{
    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled and never fails otherwise: calls
    /// <paramref name="changed"/> with a computer's reference when its stamp may have moved, or with
    /// <see langword="null"/> when any computer's may have (after the store was lost and found again).
    /// </summary>
    Task RunAsync(Action<string?> changed, CancellationToken cancellationToken);
}
