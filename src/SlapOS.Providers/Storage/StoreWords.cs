namespace SlapOS.Providers.Storage;

/// <summary>The words states are stored as (the wire words, readable by hand).</summary>
internal static class StoreWords
{
    public static string Of(ReportedState state) => state switch
    {
        ReportedState.Started => "started",
        ReportedState.Stopped => "stopped",
        ReportedState.Destroyed => "destroyed",
        ReportedState.Error => "error",
        _ => "none",
    };

    public static ReportedState ReportedStateOf(string? word) => word switch
    {
        "started" => ReportedState.Started,
        "stopped" => ReportedState.Stopped,
        "destroyed" => ReportedState.Destroyed,
        "error" => ReportedState.Error,
        _ => ReportedState.None,
    };

    public static SoftwareInstallationState? InstallationStateOf(string? word) => word switch
    {
        "building" => SoftwareInstallationState.Building,
        "available" => SoftwareInstallationState.Available,
        "error" => SoftwareInstallationState.Error,
        "destroyed" => SoftwareInstallationState.Destroyed,
        _ => null,
    };

    public static long? Micros(DateTimeOffset? at) => at is { } a ? (a.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : null;

    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset? Time(long? micros) => micros is { } m ? DateTimeOffset.UnixEpoch.AddTicks(m * 10) : null;
}
