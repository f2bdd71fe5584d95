namespace SlapOS.Providers.Storage;

/// <summary>A <c>supplies</c> row.</summary>
internal sealed class SupplyRow
{
    public string ComputerReference { get; set; } = "";
    public string SoftwareReleaseUrl { get; set; } = "";
    public string RequestedState { get; set; } = "available";
    public string? ReportedState { get; set; }
    public string? ErrorMessage { get; set; }
    public long? ReportedAt { get; set; }

    public SoftwareInstallation ToInstallation() => new()
    {
        ComputerReference = ComputerReference,
        SoftwareReleaseUrl = SoftwareReleaseUrl,
        RequestedState = SlapStates.ParseSupplyState(RequestedState),
        ReportedState = SlapStates.InstallationStateOf(ReportedState),
        ErrorMessage = ErrorMessage,
        ReportedAt = StoreWords.Time(ReportedAt),
    };
}
