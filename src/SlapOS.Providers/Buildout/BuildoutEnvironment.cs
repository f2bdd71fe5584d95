namespace SlapOS.Providers.Buildout;

/// <summary>What one buildout run shares with its recipes: directory, downloads, log, partition, publications.</summary>
internal sealed class BuildoutEnvironment
{
    public required string Directory { get; init; }

    public required BuildoutDownloader Downloader { get; init; }

    public required TextWriter Log { get; init; }

    /// <summary>The partition being deployed; <see langword="null"/> for a software install.</summary>
    public PartitionInstance? Partition { get; init; }

    /// <summary>Owns created files to the partition user, when the node runs as root.</summary>
    public FileOwner? Owner { get; init; }

    public Dictionary<string, string> ConnectionParameters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, string>> SharedConnectionParameters { get; } = new(StringComparer.Ordinal);
}
