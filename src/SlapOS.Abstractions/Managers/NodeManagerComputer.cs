namespace SlapOS;

/// <summary>What a manager sees of the computer at format time.</summary>
public sealed record NodeManagerComputer
{
    /// <summary>The computer reference.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>Where partitions live.</summary>
    public required string InstanceRoot { get; init; }

    /// <summary>The partitions the formatter ensured.</summary>
    public IReadOnlyList<ComputerPartition> Partitions { get; init; } = [];
}
