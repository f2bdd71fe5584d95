using Microsoft.Extensions.Logging;

namespace SlapOS.Master.Telemetry;

/// <summary>The master's log messages.</summary>
internal static partial class MasterLog
{
    [LoggerMessage(1, LogLevel.Information, "Allocated '{Title}' of '{Requester}' to {Computer}/{Partition} as {Instance}")]
    public static partial void Allocated(ILogger logger, string title, string requester, string? computer, string? partition, string instance);

    [LoggerMessage(2, LogLevel.Debug, "Lost the race for a partition on {Computer} while allocating '{Title}'; trying the next computer")]
    public static partial void ReservationLost(ILogger logger, string computer, string title);

    [LoggerMessage(3, LogLevel.Information, "Instance {Instance} updated: requested state {State}, timestamp {Timestamp}")]
    public static partial void InstanceUpdated(ILogger logger, string instance, RequestedState state, InstanceTimestamp timestamp);

    [LoggerMessage(4, LogLevel.Information, "Shared instance '{Title}' ({Instance}) hosted by {Host}")]
    public static partial void SharedHosted(ILogger logger, string title, string instance, string host);

    [LoggerMessage(5, LogLevel.Information, "Partition {Computer}/{Partition} freed after instance {Instance} was destroyed")]
    public static partial void PartitionFreed(ILogger logger, string computer, string partition, string instance);

    [LoggerMessage(6, LogLevel.Warning, "No partition for '{Title}': {Reason}")]
    public static partial void NoCapacity(ILogger logger, string title, string reason);

    [LoggerMessage(7, LogLevel.Information, "Computer {Computer} formatted: {Added} added, {Updated} updated, {Removed} removed, {KeptBusy} kept busy")]
    public static partial void Formatted(ILogger logger, string computer, int added, int updated, int removed, int keptBusy);

    [LoggerMessage(8, LogLevel.Information, "Migrating the master store")]
    public static partial void Migrating(ILogger logger);

    [LoggerMessage(9, LogLevel.Warning, "Slapproxy profile: the format of {Computer} drops partition {Partition}, so its instance {Instance} is dropped with it, as slapproxy does")]
    public static partial void DroppedWithPartition(ILogger logger, string computer, string partition, string instance);

    [LoggerMessage(30, LogLevel.Warning, "The store is unreachable: {Path} answered 503 with Retry-After")]
    public static partial void StoreUnavailable(ILogger logger, string path, Exception exception);

    [LoggerMessage(31, LogLevel.Warning, "The store is unreachable: the revocation of client certificate {SerialNumber} is checked again on each request, which answers 503 until the store answers")]
    public static partial void RevocationUnknownAtHandshake(ILogger logger, string serialNumber, Exception exception);

    [LoggerMessage(32, LogLevel.Warning, "The store's disk is full: computer {Computer}'s last contact was not recorded; its document is served all the same")]
    public static partial void ContactNotRecorded(ILogger logger, string computer, Exception exception);
}
