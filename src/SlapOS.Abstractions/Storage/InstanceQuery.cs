namespace SlapOS;

/// <summary>A filter over instances; unset fields match everything.</summary>
public sealed record InstanceQuery
{
    /// <summary>Instances on this computer (allocated or hosted there).</summary>
    public string? ComputerReference { get; init; }

    /// <summary>Instances on this partition (with <see cref="ComputerReference"/>).</summary>
    public string? PartitionReference { get; init; }

    /// <summary>Instances of this tree.</summary>
    public string? RootReference { get; init; }

    /// <summary>Instances requested by this requester.</summary>
    public string? RequesterReference { get; init; }

    /// <summary>Shared instances hosted by this instance.</summary>
    public string? HostInstanceReference { get; init; }

    /// <summary>Only shared (true) or only non-shared (false) instances.</summary>
    public bool? Shared { get; init; }

    /// <summary>Instances of this release.</summary>
    public string? SoftwareReleaseUrl { get; init; }

    /// <summary>Instances of this software type.</summary>
    public string? SoftwareType { get; init; }
}
