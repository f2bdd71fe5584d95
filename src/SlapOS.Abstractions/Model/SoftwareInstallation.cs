namespace SlapOS;

/// <summary>A release supplied to a computer: what the master asks, and what the node last reported.</summary>
public sealed record SoftwareInstallation
{
    /// <summary>The computer.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>The release URL.</summary>
    public required string SoftwareReleaseUrl { get; init; }

    /// <summary>What the master asks: install or remove.</summary>
    public SupplyState RequestedState { get; init; } = SupplyState.Available;

    /// <summary>What the node last reported, if anything.</summary>
    public SoftwareInstallationState? ReportedState { get; init; }

    /// <summary>The error of the last failed build.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>When the node last reported.</summary>
    public DateTimeOffset? ReportedAt { get; init; }
}
