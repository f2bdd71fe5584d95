namespace SlapOS.Providers.Formatting;

/// <summary>What every formatter does the same way to a partition's directory.</summary>
internal static class PartitionDirectory
{
    /// <summary>
    /// Empties a partition directory directly under the instance root, keeping the directory itself
    /// (and its owner); returns its path. Links inside are removed, never followed.
    /// </summary>
    /// <exception cref="SlapValidationException">The reference does not name a directory directly under the root.</exception>
    /// <exception cref="SlapNotFoundException">The partition directory does not exist (or is a link).</exception>
    public static string Empty(PartitionLayout layout, string partitionReference, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(layout.PartitionPath(partitionReference));
        var root = Path.GetFullPath(layout.InstanceRoot);
        if (!string.Equals(Path.GetDirectoryName(path), root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new SlapValidationException("partition_reference", "must name a partition directly under the instance root");
        }

        var directory = new DirectoryInfo(path);
        if (!directory.Exists || directory.LinkTarget is not null)
        {
            throw new SlapNotFoundException("partition", partitionReference);
        }

        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A link is removed, never followed: a partition must not make us delete files elsewhere.
            if (entry is DirectoryInfo child && child.LinkTarget is null)
            {
                child.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        return path;
    }
}
