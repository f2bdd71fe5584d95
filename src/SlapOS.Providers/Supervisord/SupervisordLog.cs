using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Supervisord;

/// <summary>Log messages of the supervisord provider.</summary>
internal static partial class SupervisordLog
{
    [LoggerMessage(1, LogLevel.Information, "Started supervisord (pid {ProcessId}) with {ConfigFile}")]
    public static partial void DaemonStarted(ILogger logger, int processId, string configFile);

    [LoggerMessage(2, LogLevel.Information, "Shut supervisord (pid {ProcessId}) down")]
    public static partial void DaemonStopped(ILogger logger, int processId);

    [LoggerMessage(3, LogLevel.Warning, "supervisord (pid {ProcessId}) did not exit after shutdown: killing it")]
    public static partial void DaemonKilled(ILogger logger, int processId);

    [LoggerMessage(4, LogLevel.Information, "Updated supervisord group {Group}: added {Added}, changed {Changed}, removed {Removed}")]
    public static partial void GroupUpdated(ILogger logger, string group, string added, string changed, string removed);

    [LoggerMessage(5, LogLevel.Warning, "Watched program {Group}:{Program} crashed (exit code {ExitCode})")]
    public static partial void Crashed(ILogger logger, string group, string program, int? exitCode);

    [LoggerMessage(6, LogLevel.Warning, "Polling supervisord for crashes failed (logged once until it answers again)")]
    public static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Processes of {Group} outlived their stop: killed process group {ProcessGroup}")]
    public static partial void KilledStragglers(ILogger logger, string group, int processGroup);
}
