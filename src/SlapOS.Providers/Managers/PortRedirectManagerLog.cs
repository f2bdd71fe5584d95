using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Managers;

/// <summary>Log messages of the port redirection manager.</summary>
internal static partial class PortRedirectManagerLog
{
    [LoggerMessage(48, LogLevel.Information, "Partition {Partition}: {Count} host port redirection(s) in nftables table {Table}")]
    public static partial void Applied(ILogger logger, string partition, int count, string table);

    [LoggerMessage(49, LogLevel.Warning, "Partition {Partition}: port redirection refused: {Reason}")]
    public static partial void Refused(ILogger logger, string partition, string reason);

    [LoggerMessage(50, LogLevel.Information, "Partition {Partition}: host port redirections removed from nftables table {Table}")]
    public static partial void Removed(ILogger logger, string partition, string table);

    [LoggerMessage(53, LogLevel.Information, "Partition {Partition}: {Count} host port(s) forwarded in process")]
    public static partial void Forwarding(ILogger logger, string partition, int count);
}
