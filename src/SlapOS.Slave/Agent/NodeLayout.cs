using Microsoft.Extensions.Options;

namespace SlapOS.Slave.Agent;

/// <summary>Where things live on this node, from the options: partitions, releases, the lock, partition users.</summary>
internal sealed class NodeLayout(IOptions<SlapOSSlaveOptions> options)
{
    /// <summary>The name of the node lock file under the instance root.</summary>
    public const string LockFileName = ".slapgrid.lock";

    /// <summary>The file holding the master timestamp last applied to a partition.</summary>
    public const string TimestampFileName = ".timestamp";

    /// <summary>The marker of an installed release.</summary>
    public const string CompletedFileName = ".completed";

    private SlapOSSlaveOptions Options => options.Value;

    public string ComputerReference => Options.ComputerReference;

    public string InstanceRoot => Path.GetFullPath(Options.InstanceRoot);

    public string SoftwareRoot => Path.GetFullPath(Options.SoftwareRoot);

    public string LockPath => Path.Combine(InstanceRoot, LockFileName);

    /// <summary>
    /// Refuses a local release (<c>file://</c> URL or absolute path) that is not a <c>.cfg</c> profile, or that lies
    /// outside <see cref="SlapOSSlaveOptions.LocalSoftwareDirectories"/> when they are set: a master names the URL.
    /// </summary>
    public void CheckLocalSoftware(string softwareReleaseUrl)
    {
        string path;
        if (softwareReleaseUrl.StartsWith('/'))
        {
            path = softwareReleaseUrl;
        }
        else if (softwareReleaseUrl.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            path = new Uri(softwareReleaseUrl).LocalPath;
        }
        else
        {
            return;
        }

        path = Path.GetFullPath(path);
        if (!path.EndsWith(".cfg", StringComparison.Ordinal))
        {
            throw new SlapValidationException("software_release", "a local release must be a buildout profile (.cfg)");
        }

        var allowed = Options.LocalSoftwareDirectories;
        if (allowed.Count > 0 && !allowed.Any(d => path.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new SlapValidationException("software_release", "a local release must lie under SlapOS:Slave:LocalSoftwareDirectories");
        }
    }

    /// <summary>The partition's directory; the reference is validated so it never escapes the instance root.</summary>
    public string PartitionPath(string partitionReference) =>
        Path.Combine(InstanceRoot, SlapReference.Validate(partitionReference, "partition_reference"));

    /// <summary>The release's install directory <c>&lt;software_root&gt;/&lt;md5(url)&gt;</c>.</summary>
    public string SoftwarePath(string softwareReleaseUrl) =>
        Path.Combine(SoftwareRoot, SoftwareRelease.ComputeInstallDirectoryName(SlapReference.ValidateSoftwareReleaseUrl(softwareReleaseUrl)));

    /// <summary>Whether the release's install completed (its <c>.completed</c> marker exists).</summary>
    public bool IsInstalled(string softwareReleaseUrl) =>
        File.Exists(Path.Combine(SoftwarePath(softwareReleaseUrl), CompletedFileName));

    /// <summary>The Unix user of a partition when programs run as partition users (<c>slappartN</c> → <c>slapuserN</c>).</summary>
    public string? UserFor(string partitionReference)
    {
        if (!Options.RunAsPartitionUser)
        {
            return null;
        }

        return partitionReference.StartsWith(Options.PartitionPrefix, StringComparison.Ordinal)
            ? Options.PartitionUserPrefix + partitionReference[Options.PartitionPrefix.Length..]
            : partitionReference;
    }

    /// <summary>The formatter's view of the layout, keeping <paramref name="busyPartitions"/>.</summary>
    public PartitionLayout ToPartitionLayout(IEnumerable<string> busyPartitions) => new()
    {
        ComputerReference = ComputerReference,
        InstanceRoot = InstanceRoot,
        PartitionAmount = Options.PartitionAmount,
        PartitionPrefix = Options.PartitionPrefix,
        UserPrefix = Options.PartitionUserPrefix,
        BusyPartitions = busyPartitions.ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>Whether a partition of the computer document holds an instance.</summary>
    public static bool HoldsInstance(PartitionInstance partition) =>
        partition.SoftwareReleaseUrl is not null && partition.Timestamp is not null;
}
