namespace SlapOS;

/// <summary>
/// One partition of a computer document, as a node receives it from the master: the instance it
/// runs (if any) with everything the node needs to deploy it.
/// </summary>
public sealed record PartitionInstance
{
    /// <summary>The computer.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>The partition, e.g. <c>slappart0</c>.</summary>
    public required string PartitionReference { get; init; }

    /// <summary>The instance reference (<c>instance_guid</c>), when allocated.</summary>
    public string? InstanceReference { get; init; }

    /// <summary>The instance title.</summary>
    public string? Title { get; init; }

    /// <summary>The root instance title.</summary>
    public string? RootTitle { get; init; }

    /// <summary>The release URL, when allocated.</summary>
    public string? SoftwareReleaseUrl { get; init; }

    /// <summary>The software type.</summary>
    public string SoftwareType { get; init; } = InstanceRequest.DefaultSoftwareType;

    /// <summary>The state the requester wants; <see cref="RequestedState.Destroyed"/> for a free partition.</summary>
    public RequestedState RequestedState { get; init; } = RequestedState.Destroyed;

    /// <summary>The instance parameters.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The shared instances this partition hosts.</summary>
    public IReadOnlyList<SharedInstanceEntry> SharedInstances { get; init; } = [];

    /// <summary>The partition's addresses.</summary>
    public IReadOnlyList<PartitionAddress> Addresses { get; init; } = [];

    /// <summary>The master's timestamp for this partition; <see langword="null"/> for a free partition.</summary>
    public InstanceTimestamp? Timestamp { get; init; }

    /// <summary>Connection parameters already published (for idempotent re-publishing).</summary>
    public IReadOnlyDictionary<string, string> ConnectionParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The W3C <c>traceparent</c> stored with the instance by the request that last changed it, when the master gives
    /// one (<see cref="SlapTraceContext"/>); the node's deployment of the partition is a span of that trace.
    /// </summary>
    public string? TraceParent { get; init; }
}
