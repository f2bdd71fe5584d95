using Microsoft.Extensions.Logging;

namespace SlapOS.Slave.Managers;

/// <summary>The log messages of the manager hooks.</summary>
internal static partial class NodeManagersLog
{
    [LoggerMessage(80, LogLevel.Error, "Manager {Manager} failed at {Hook} for {Item}")]
    public static partial void ManagerFailed(this ILogger logger, string manager, string hook, string item, Exception exception);

    [LoggerMessage(81, LogLevel.Warning, "Partition {Partition} destroyed, but a manager failed before the destruction: {Message}")]
    public static partial void DestroyManagerFailed(this ILogger logger, string partition, string message);
}
