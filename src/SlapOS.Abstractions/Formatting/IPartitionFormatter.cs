namespace SlapOS;

/// <summary>
/// Creates and verifies computer partitions on this node: user, directory (mode 0750),
/// addresses and optionally a tap. Idempotent: running it twice changes nothing.
/// </summary>
public interface IPartitionFormatter
{
    /// <summary>
    /// Ensures <see cref="PartitionLayout.PartitionAmount"/> partitions exist and returns them all
    /// (it may return more when partitions beyond that amount are busy and kept).
    /// </summary>
    Task<IReadOnlyList<ComputerPartition>> FormatAsync(PartitionLayout layout, CancellationToken cancellationToken);

    /// <summary>Empties a destroyed partition's directory, keeping the directory itself, its owner and mode.</summary>
    Task WipeAsync(PartitionLayout layout, string partitionReference, CancellationToken cancellationToken);
}
