namespace SlapOS;

/// <summary>
/// Conversions between SlapOS state enums and their wire words: the one home of every state word (the wire,
/// the store's columns, the portal and the status lines all use these).
/// </summary>
public static class SlapStates
{
    /// <summary>The wire word of a requested state: <c>started</c>, <c>stopped</c>, <c>destroyed</c>.</summary>
    public static string ToWire(this RequestedState state) => state switch
    {
        RequestedState.Started => "started",
        RequestedState.Stopped => "stopped",
        RequestedState.Destroyed => "destroyed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>The wire word of a supply state: <c>available</c>, <c>destroyed</c>.</summary>
    public static string ToWire(this SupplyState state) => state switch
    {
        SupplyState.Available => "available",
        SupplyState.Destroyed => "destroyed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>The wire word of a software installation state.</summary>
    public static string ToWire(this SoftwareInstallationState state) => state switch
    {
        SoftwareInstallationState.Building => "building",
        SoftwareInstallationState.Available => "available",
        SoftwareInstallationState.Error => "error",
        SoftwareInstallationState.Destroyed => "destroyed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>The wire word of a reported state: <c>started</c>, <c>stopped</c>, <c>destroyed</c>, <c>error</c>; <c>none</c> before any report.</summary>
    public static string ToWire(this ReportedState state) => state switch
    {
        ReportedState.None => "none",
        ReportedState.Started => "started",
        ReportedState.Stopped => "stopped",
        ReportedState.Destroyed => "destroyed",
        ReportedState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>The reported state a word names; <see cref="ReportedState.None"/> for <c>none</c>, any other word or none at all.</summary>
    public static ReportedState ReportedStateOf(string? word) => word switch
    {
        "started" => ReportedState.Started,
        "stopped" => ReportedState.Stopped,
        "destroyed" => ReportedState.Destroyed,
        "error" => ReportedState.Error,
        _ => ReportedState.None,
    };

    /// <summary>The installation state a word names, or <see langword="null"/> for any other word or none at all.</summary>
    public static SoftwareInstallationState? InstallationStateOf(string? word) => word switch
    {
        "building" => SoftwareInstallationState.Building,
        "available" => SoftwareInstallationState.Available,
        "error" => SoftwareInstallationState.Error,
        "destroyed" => SoftwareInstallationState.Destroyed,
        _ => null,
    };

    /// <summary>Parses <c>started</c>, <c>stopped</c> or <c>destroyed</c>.</summary>
    /// <exception cref="SlapValidationException">Any other word.</exception>
    public static RequestedState ParseRequestedState(string? value, string field = "state") => value switch
    {
        "started" => RequestedState.Started,
        "stopped" => RequestedState.Stopped,
        "destroyed" => RequestedState.Destroyed,
        _ => throw new SlapValidationException(field, $"'{value}' is not one of started, stopped, destroyed"),
    };

    /// <summary>Parses <c>available</c> or <c>destroyed</c>.</summary>
    /// <exception cref="SlapValidationException">Any other word.</exception>
    public static SupplyState ParseSupplyState(string? value, string field = "state") => value switch
    {
        "available" => SupplyState.Available,
        "destroyed" => SupplyState.Destroyed,
        _ => throw new SlapValidationException(field, $"'{value}' is not one of available, destroyed"),
    };

    /// <summary>Parses <c>building</c>, <c>available</c>, <c>error</c> or <c>destroyed</c>.</summary>
    /// <exception cref="SlapValidationException">Any other word.</exception>
    public static SoftwareInstallationState ParseInstallationState(string? value, string field = "reported_state") =>
        InstallationStateOf(value) ?? throw new SlapValidationException(field, $"'{value}' is not one of building, available, error, destroyed");
}
