using Microsoft.Extensions.Logging;

namespace SlapOS.Slave.Managers;

/// <summary>The log messages of the pre-destroy script manager.</summary>
internal static partial class PrermManagerLog
{
    [LoggerMessage(82, LogLevel.Information, "Partition {Partition}: pre-destroy script {Script} succeeded")]
    public static partial void PrermSucceeded(this ILogger logger, string partition, string script);

    [LoggerMessage(83, LogLevel.Warning, "Partition {Partition}: pre-destroy script {Script} {Why}: {Output}")]
    public static partial void PrermFailed(this ILogger logger, string partition, string script, string why, string output);
}
