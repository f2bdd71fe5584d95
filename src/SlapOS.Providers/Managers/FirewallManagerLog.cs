using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Managers;

/// <summary>Log messages of the partition firewall manager.</summary>
internal static partial class FirewallManagerLog
{
    [LoggerMessage(51, LogLevel.Information, "Partition {Partition} (uid {Uid}) may reach only {Count} allowed address(es) (nftables table {Table})")]
    public static partial void Applied(ILogger logger, string partition, string uid, int count, string table);

    [LoggerMessage(52, LogLevel.Information, "Partition {Partition}: firewall removed from nftables table {Table}")]
    public static partial void Removed(ILogger logger, string partition, string table);
}
