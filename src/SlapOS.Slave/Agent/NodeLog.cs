using Microsoft.Extensions.Logging;

namespace SlapOS.Slave.Agent;

/// <summary>The node's log messages.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(1, LogLevel.Information, "slapgrid {Command} finished with exit code {ExitCode}")]
    public static partial void RunFinished(this ILogger logger, string command, int exitCode);

    [LoggerMessage(2, LogLevel.Warning, "slapgrid {Command} refused: another run holds the node lock {LockPath}")]
    public static partial void LockHeld(this ILogger logger, string command, string lockPath);

    [LoggerMessage(3, LogLevel.Warning, "slapgrid {Command}: the master is unreachable, running offline (services left as they are)")]
    public static partial void MasterOffline(this ILogger logger, string command, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "slapgrid {Command} failed")]
    public static partial void RunFailed(this ILogger logger, string command, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Partition {Partition} is up to date (timestamp {Timestamp})")]
    public static partial void PartitionUpToDate(this ILogger logger, string partition, string timestamp);

    [LoggerMessage(11, LogLevel.Information, "Partition {Partition} waits for its release {SoftwareReleaseUrl} to be installed")]
    public static partial void PartitionNotReady(this ILogger logger, string partition, string softwareReleaseUrl);

    [LoggerMessage(12, LogLevel.Information, "Deploying partition {Partition} (timestamp {Timestamp})")]
    public static partial void PartitionDeploying(this ILogger logger, string partition, string timestamp);

    [LoggerMessage(13, LogLevel.Information, "Partition {Partition} deployed and {State}")]
    public static partial void PartitionDeployed(this ILogger logger, string partition, string state);

    [LoggerMessage(14, LogLevel.Error, "Partition {Partition} failed")]
    public static partial void PartitionFailed(this ILogger logger, string partition, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Partition {Partition}: {Count} promise(s) failed")]
    public static partial void PromisesFailed(this ILogger logger, string partition, int count);

    [LoggerMessage(16, LogLevel.Error, "Partition {Partition} rejected: {Reason}")]
    public static partial void PartitionRejected(this ILogger logger, string partition, string reason);

    [LoggerMessage(17, LogLevel.Warning, "Could not report the state of {Item} to the master")]
    public static partial void ReportFailed(this ILogger logger, string item, Exception exception);

    [LoggerMessage(20, LogLevel.Information, "Building release {SoftwareReleaseUrl}")]
    public static partial void SoftwareBuilding(this ILogger logger, string softwareReleaseUrl);

    [LoggerMessage(21, LogLevel.Information, "Release {SoftwareReleaseUrl} is available")]
    public static partial void SoftwareAvailable(this ILogger logger, string softwareReleaseUrl);

    [LoggerMessage(22, LogLevel.Error, "Release {SoftwareReleaseUrl} failed")]
    public static partial void SoftwareFailed(this ILogger logger, string softwareReleaseUrl, Exception exception);

    [LoggerMessage(23, LogLevel.Information, "Release {SoftwareReleaseUrl} removed")]
    public static partial void SoftwareRemoved(this ILogger logger, string softwareReleaseUrl);

    [LoggerMessage(30, LogLevel.Warning, "Watched service {Program} of partition {Partition} crashed (exit code {ExitCode}): banging the partition")]
    public static partial void CrashBang(this ILogger logger, string partition, string program, int? exitCode);

    [LoggerMessage(31, LogLevel.Debug, "Watched service {Program} of partition {Partition} crashed again: already banged for this deployment")]
    public static partial void CrashAlreadyBanged(this ILogger logger, string partition, string program);

    [LoggerMessage(32, LogLevel.Warning, "Could not bang partition {Partition}")]
    public static partial void CrashBangFailed(this ILogger logger, string partition, Exception exception);

    [LoggerMessage(33, LogLevel.Error, "Watching crashes failed; retrying")]
    public static partial void CrashWatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(40, LogLevel.Warning, "Report script {Script} of partition {Partition} failed: {Output}")]
    public static partial void ReportScriptFailed(this ILogger logger, string partition, string script, string output);

    [LoggerMessage(41, LogLevel.Error, "Accounting sink {Sink} failed")]
    public static partial void AccountingSinkFailed(this ILogger logger, string sink, Exception exception);

    [LoggerMessage(42, LogLevel.Information, "Partition {Partition} destroyed and freed")]
    public static partial void PartitionDestroyed(this ILogger logger, string partition);

    [LoggerMessage(43, LogLevel.Error, "Destroying partition {Partition} failed")]
    public static partial void PartitionDestroyFailed(this ILogger logger, string partition, Exception exception);

    [LoggerMessage(50, LogLevel.Information, "Formatted {Count} partitions")]
    public static partial void Formatted(this ILogger logger, int count);

    [LoggerMessage(60, LogLevel.Information, "The node daemon is disabled (SlapOS:Slave:RunDaemon = false)")]
    public static partial void DaemonDisabled(this ILogger logger);

    [LoggerMessage(61, LogLevel.Information, "The master signalled a change: running now")]
    public static partial void DaemonWokenUp(this ILogger logger);

    [LoggerMessage(62, LogLevel.Warning, "The master is unreachable: next attempt in {Delay}")]
    public static partial void DaemonBackoff(this ILogger logger, TimeSpan delay);

    [LoggerMessage(63, LogLevel.Error, "Node daemon iteration failed")]
    public static partial void DaemonFailed(this ILogger logger, Exception exception);

    [LoggerMessage(70, LogLevel.Information, "The computer certificate expires at {NotAfter}: renewed, the new one is used from the next connection")]
    public static partial void CertificateRenewed(this ILogger logger, DateTimeOffset notAfter);

    [LoggerMessage(71, LogLevel.Warning, "The computer certificate expires at {NotAfter} but could not be renewed")]
    public static partial void CertificateRenewalFailed(this ILogger logger, DateTimeOffset notAfter, Exception exception);

    [LoggerMessage(72, LogLevel.Warning, "Certificate files {CertificateFile}: {What} (a previous run was stopped while writing them)")]
    public static partial void CertificateFilesRecovered(this ILogger logger, string certificateFile, string what);
}
