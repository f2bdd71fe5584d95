using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Supervision;

/// <summary>Log messages of the native supervisor.</summary>
internal static partial class NativeSupervisorLog
{
    [LoggerMessage(1, LogLevel.Information, "Started {Group}:{Program} (pid {ProcessId})")]
    public static partial void Started(ILogger logger, string group, string program, int processId);

    [LoggerMessage(2, LogLevel.Warning, "{Group}:{Program} exited unexpectedly with code {ExitCode}; restart in {Delay}")]
    public static partial void Crashed(ILogger logger, string group, string program, int? exitCode, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Error, "{Group}:{Program} failed {Failures} starts in a row: giving up (FATAL)")]
    public static partial void GaveUp(ILogger logger, string group, string program, int failures);

    [LoggerMessage(4, LogLevel.Error, "{Group}:{Program} could not be started")]
    public static partial void StartFailed(ILogger logger, string group, string program, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "Stopped {Group}:{Program} (pid {ProcessId}, exit code {ExitCode})")]
    public static partial void Stopped(ILogger logger, string group, string program, int processId, int? exitCode);

    [LoggerMessage(6, LogLevel.Warning, "{Group}:{Program} (pid {ProcessId}) ignored SIGTERM for {Timeout}: killing its process group")]
    public static partial void Killing(ILogger logger, string group, string program, int processId, TimeSpan timeout);

    [LoggerMessage(7, LogLevel.Information, "Adopted {Group}:{Program} (pid {ProcessId}) from a previous run")]
    public static partial void Adopted(ILogger logger, string group, string program, int processId);

    [LoggerMessage(8, LogLevel.Information, "{Group}:{Program} exited with code {ExitCode}")]
    public static partial void Exited(ILogger logger, string group, string program, int? exitCode);

    [LoggerMessage(9, LogLevel.Warning, "Ignoring the unreadable supervisor state file {File}")]
    public static partial void UnreadableState(ILogger logger, string file, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Could not rotate the log file {File}")]
    public static partial void RotationFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "{Group}:{Program} (pid {ProcessId}) was launched by a previous run and neither ran nor exited: killed, it will be started again")]
    public static partial void HeldDiscarded(ILogger logger, string group, string program, int processId);
}
