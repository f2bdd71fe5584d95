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

    /// <summary>An identity kind as stored: its name in lower case ("computer", "partition"...).</summary>
    public static string Of(IdentityKind kind) => kind.ToString().ToLowerInvariant();

    public static IdentityKind IdentityKindOf(string word) => Enum.Parse<IdentityKind>(word, ignoreCase: true);

    /// <summary>A revocation reason as stored: its RFC 5280 name ("keyCompromise", "superseded"...).</summary>
    public static string Of(RevocationReason reason) => reason switch
    {
        RevocationReason.KeyCompromise => "keyCompromise",
        RevocationReason.Superseded => "superseded",
        RevocationReason.CessationOfOperation => "cessationOfOperation",
        RevocationReason.PrivilegeWithdrawn => "privilegeWithdrawn",
        _ => "unspecified",
    };

    public static RevocationReason? RevocationReasonOf(string? word) => word switch
    {
        null => null,
        "keyCompromise" => RevocationReason.KeyCompromise,
        "superseded" => RevocationReason.Superseded,
        "cessationOfOperation" => RevocationReason.CessationOfOperation,
        "privilegeWithdrawn" => RevocationReason.PrivilegeWithdrawn,
        _ => RevocationReason.Unspecified,
    };

    public static long? Micros(DateTimeOffset? at) => at is { } a ? (a.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : null;

    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset? Time(long? micros) => micros is { } m ? DateTimeOffset.UnixEpoch.AddTicks(m * 10) : null;
}
