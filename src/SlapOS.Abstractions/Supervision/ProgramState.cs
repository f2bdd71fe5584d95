namespace SlapOS;

/// <summary>The state of a supervised program (supervisord's words).</summary>
public enum ProgramState
{
    /// <summary>Not running and not asked to.</summary>
    Stopped,

    /// <summary>Being started.</summary>
    Starting,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Waiting before a restart after a crash.</summary>
    Backoff,

    /// <summary>Being stopped.</summary>
    Stopping,

    /// <summary>Exited on its own and not restarted.</summary>
    Exited,

    /// <summary>Could not be kept running (restart limit reached).</summary>
    Fatal,
}
