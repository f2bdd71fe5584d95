namespace SlapOS;

/// <summary>What one partition used over a period, as a node measured it.</summary>
public sealed record UsageRecord
{
    /// <summary>The computer.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>The partition.</summary>
    public required string PartitionReference { get; init; }

    /// <summary>The instance that ran in the partition, if known.</summary>
    public string? InstanceReference { get; init; }

    /// <summary>Start of the measured period.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>End of the measured period.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>CPU time used, in seconds.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Resident memory, in bytes (peak over the period).</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Disk used by the partition directory, in bytes.</summary>
    public long DiskBytes { get; init; }

    /// <summary>Processes running at measurement time.</summary>
    public int ProcessCount { get; init; }
}
