namespace SlapOS;

/// <summary>
/// How full one computer is, from the store's counters in one aggregate query (no partition is read):
/// an operator's view of where the cloud is full.
/// </summary>
public sealed record ComputerCapacity
{
    /// <summary>The computer.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>Its title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>Its owner, if any (who may see it besides an administrator).</summary>
    public string? OwnerReference { get; init; }

    /// <summary>Whether new instances may be allocated there.</summary>
    public bool AllocationOpen { get; init; } = true;

    /// <summary>When its node last fetched its document.</summary>
    public DateTimeOffset? LastContact { get; init; }

    /// <summary>All its partitions.</summary>
    public int TotalPartitions { get; init; }

    /// <summary>Partitions free for allocation (none can be taken while <see cref="AllocationOpen"/> is false).</summary>
    public int FreePartitions { get; init; }

    /// <summary>
    /// Busy partitions held by an instance requested <c>destroyed</c>: reserved until the node wipes them and reports
    /// them destroyed, then free again.
    /// </summary>
    public int ReservedPartitions { get; init; }

    /// <summary>Busy partitions running a live (started or stopped) instance.</summary>
    public int UsedPartitions => Math.Max(0, TotalPartitions - FreePartitions - ReservedPartitions);
}
