namespace SlapOS;

/// <summary>How this node's partitions are laid out.</summary>
public sealed record PartitionLayout
{
    /// <summary>The computer reference.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>Where partitions live (<c>&lt;instance_root&gt;/slappartN</c>).</summary>
    public required string InstanceRoot { get; init; }

    /// <summary>How many partitions to have.</summary>
    public int PartitionAmount { get; init; } = 10;

    /// <summary>Prefix of partition references (<c>slappart</c>).</summary>
    public string PartitionPrefix { get; init; } = "slappart";

    /// <summary>Prefix of partition users (<c>slapuser</c>).</summary>
    public string UserPrefix { get; init; } = "slapuser";

    /// <summary>Partitions that hold an instance and must never be removed.</summary>
    public IReadOnlySet<string> BusyPartitions { get; init; } = new HashSet<string>();

    /// <summary>The directory of a partition.</summary>
    public string PartitionPath(string partitionReference) => Path.Combine(InstanceRoot, SlapReference.Validate(partitionReference, "partition_reference"));
}
