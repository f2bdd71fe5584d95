namespace SlapOS;

/// <summary>
/// A computer partition: a lightweight container made of a Unix user (<c>slapuserN</c>), a
/// directory (<c>slappartN</c>), addresses and optionally a tap.
/// </summary>
public sealed record ComputerPartition
{
    /// <summary>The reference of the computer that holds the partition.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>The partition's reference on its computer, e.g. <c>slappart0</c>.</summary>
    public required string Reference { get; init; }

    /// <summary>The addresses of the partition.</summary>
    public IReadOnlyList<PartitionAddress> Addresses { get; init; } = [];

    /// <summary>The tap interface, when the partition has one.</summary>
    public PartitionTap? Tap { get; init; }

    /// <summary>Whether the partition holds an instance.</summary>
    public PartitionState State { get; init; } = PartitionState.Free;

    /// <summary>The reference of the instance the partition holds, when busy.</summary>
    public string? InstanceReference { get; init; }

    /// <summary>The optimistic-concurrency version of the partition row.</summary>
    public long Version { get; init; }
}
