using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Formatting;

/// <summary>Log messages of the root partition formatter.</summary>
internal static partial class LinuxFormatterLog
{
    [LoggerMessage(1, LogLevel.Information, "Dry run: would run {Command}")]
    public static partial void WouldRun(ILogger logger, string command);

    [LoggerMessage(2, LogLevel.Information, "Ran {Command}")]
    public static partial void Ran(ILogger logger, string command);

    [LoggerMessage(3, LogLevel.Information, "Removed partition {Partition} (user, addresses, tap, directory)")]
    public static partial void Removed(ILogger logger, string partition);
}
