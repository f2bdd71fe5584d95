namespace SlapOS;

/// <summary>
/// What a node deploys into one partition: the instance's configuration as the master sent it,
/// and where the partition and its release live.
/// </summary>
public sealed record InstanceDeployment
{
    /// <summary>The instance as described by the master (parameters, type, shared instances, addresses…).</summary>
    public required PartitionInstance Instance { get; init; }

    /// <summary>The partition directory (<c>&lt;instance_root&gt;/slappartN</c>).</summary>
    public required string PartitionPath { get; init; }

    /// <summary>The release's install directory.</summary>
    public required string SoftwarePath { get; init; }

    /// <summary>The URL of the master, written into <c>[slap-connection]</c>.</summary>
    public required string MasterUrl { get; init; }

    /// <summary>The partition's key file, written into <c>[slap-connection]</c>, if any.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The partition's certificate file, written into <c>[slap-connection]</c>, if any.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>The partition's Unix user, when the node runs as root.</summary>
    public string? User { get; init; }
}
