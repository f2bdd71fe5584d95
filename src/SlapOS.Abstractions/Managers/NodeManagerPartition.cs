namespace SlapOS;

/// <summary>What a manager sees of one partition at a hook.</summary>
public sealed record NodeManagerPartition
{
    /// <summary>The computer reference.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>The partition reference (<c>slappart0</c>).</summary>
    public required string PartitionReference { get; init; }

    /// <summary>The partition's directory (the place of its request files, such as <c>.slapos-cpu-exclusive</c>).</summary>
    public required string PartitionPath { get; init; }

    /// <summary>The Unix user its programs run as, when the node runs them as partition users.</summary>
    public string? User { get; init; }

    /// <summary>The instance the master assigned, when the hook runs for one.</summary>
    public PartitionInstance? Instance { get; init; }

    /// <summary>
    /// The process ids of the partition's programs and all their descendants, read when the hook was
    /// called (empty when none runs).
    /// </summary>
    public IReadOnlyList<int> ProcessIds { get; init; } = [];
}
