using Microsoft.Extensions.Logging;

namespace SlapOS.Master.Federation;

/// <summary>The log messages of federation.</summary>
internal static partial class FederationLog
{
    [LoggerMessage(200, LogLevel.Information, "Request '{Title}' goes to the external master {Master} (rule {Rule})")]
    public static partial void Routed(ILogger logger, string title, string rule, string master);

    [LoggerMessage(201, LogLevel.Information, "Forwarded '{Title}' to {Master}: {ExternalReference} there, requested {State}")]
    public static partial void Forwarded(ILogger logger, string title, string master, string externalReference, RequestedState state);

    [LoggerMessage(202, LogLevel.Warning, "The external master {Master} cannot be reached for '{Title}'")]
    public static partial void Unreachable(ILogger logger, string master, string title, Exception exception);

    [LoggerMessage(203, LogLevel.Information, "Instance {Instance} on {Master} destroyed there: its local record is removed")]
    public static partial void DestroyForwarded(ILogger logger, string instance, string master);

    [LoggerMessage(204, LogLevel.Warning, "Refreshing forwarded instance {Instance} from {Master} failed; trying again later")]
    public static partial void RefreshFailed(ILogger logger, string instance, string master, Exception exception);
}
