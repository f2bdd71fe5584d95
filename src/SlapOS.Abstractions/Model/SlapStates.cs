namespace SlapOS;

/// <summary>Conversions between SlapOS state enums and their wire words.</summary>
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
    public static SoftwareInstallationState ParseInstallationState(string? value, string field = "reported_state") => value switch
    {
        "building" => SoftwareInstallationState.Building,
        "available" => SoftwareInstallationState.Available,
        "error" => SoftwareInstallationState.Error,
        "destroyed" => SoftwareInstallationState.Destroyed,
        _ => throw new SlapValidationException(field, $"'{value}' is not one of building, available, error, destroyed"),
    };
}
