namespace SlapOS;

/// <summary>
/// A software instance: a requested use of a release, allocated to a partition (or, when
/// <see cref="Shared"/>, hosted by another instance's partition). An allocated instance never moves.
/// </summary>
public sealed record SoftwareInstance
{
    /// <summary>The instance's unique reference (e.g. <c>SOFTINST-12</c>).</summary>
    public required string Reference { get; init; }

    /// <summary>The title, unique per requester.</summary>
    public required string Title { get; init; }

    /// <summary>The requester: a person reference, <see cref="InstanceRequest.RootRequester"/>, or the parent instance's reference.</summary>
    public required string RequesterReference { get; init; }

    /// <summary>The reference of the root instance of this instance's tree (itself for a root).</summary>
    public required string RootReference { get; init; }

    /// <summary>The release URL.</summary>
    public required string SoftwareReleaseUrl { get; init; }

    /// <summary>The software type.</summary>
    public string SoftwareType { get; init; } = InstanceRequest.DefaultSoftwareType;

    /// <summary>The instance parameters.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The SLA it was requested with.</summary>
    public IReadOnlyDictionary<string, string> Sla { get; init; } = new Dictionary<string, string>();

    /// <summary>The requested state.</summary>
    public RequestedState RequestedState { get; init; } = RequestedState.Started;

    /// <summary>Whether this is a shared instance.</summary>
    public bool Shared { get; init; }

    /// <summary>The computer of the partition that runs (or hosts) the instance.</summary>
    public string? ComputerReference { get; init; }

    /// <summary>The partition that runs (or hosts) the instance.</summary>
    public string? PartitionReference { get; init; }

    /// <summary>For a shared instance, the reference of the instance that hosts it.</summary>
    public string? HostInstanceReference { get; init; }

    /// <summary>The connection parameters the instance published.</summary>
    public IReadOnlyDictionary<string, string> ConnectionParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The timestamp, bumped whenever the node must reprocess the instance.</summary>
    public InstanceTimestamp Timestamp { get; init; }

    /// <summary>What the node last reported.</summary>
    public ReportedState ReportedState { get; init; }

    /// <summary>The last error the node reported, if any.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>When the node last reported.</summary>
    public DateTimeOffset? ReportedAt { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the last request (or bang) that changed the instance, when that request was traced
    /// (<see cref="SlapTraceContext"/>): the node's runs for the instance join that trace.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>The optimistic-concurrency version of the instance row.</summary>
    public long Version { get; init; }

    /// <summary>Whether this instance is the root of its tree.</summary>
    public bool IsRoot => RootReference == Reference;
}
