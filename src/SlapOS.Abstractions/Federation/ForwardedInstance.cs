namespace SlapOS;

/// <summary>
/// Where a forwarded instance lives: the local instance <see cref="InstanceReference"/> (what re-requests and
/// its tree see here) was requested from the external master <see cref="MasterUrl"/> as <see cref="ExternalTitle"/>.
/// </summary>
public sealed record ForwardedInstance
{
    /// <summary>The local instance's reference.</summary>
    public required string InstanceReference { get; init; }

    /// <summary>The external master's URL, as configured.</summary>
    public required string MasterUrl { get; init; }

    /// <summary>The title the instance has on the external master (unique there for this master's identity).</summary>
    public required string ExternalTitle { get; init; }

    /// <summary>The instance's reference on the external master (its <c>instance_guid</c>).</summary>
    public string? ExternalReference { get; init; }

    /// <summary>The computer that runs it on the external master, when it said.</summary>
    public string? ExternalComputerReference { get; init; }

    /// <summary>The partition that runs it on the external master, when it said.</summary>
    public string? ExternalPartitionReference { get; init; }

    /// <summary>When the external master last answered about it.</summary>
    public DateTimeOffset? SyncedAt { get; init; }

    /// <summary>Why the last call to the external master failed, or <see langword="null"/> when it answered.</summary>
    public string? LastError { get; init; }
}
