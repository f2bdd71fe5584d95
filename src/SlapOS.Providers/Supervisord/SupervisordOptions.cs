namespace SlapOS.Providers.Supervisord;

/// <summary>Options of the supervisord process supervisor, bound from <c>SlapOS:Slave:Supervisord</c>.</summary>
public sealed class SupervisordOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:Supervisord";

    /// <summary>
    /// The directory of supervisord's files (SlapOS: <c>&lt;instance_root&gt;/etc</c>): <c>supervisord.conf</c>,
    /// <c>supervisord.sock</c>, <c>supervisord.pid</c>, <c>supervisord.log</c> and one file per
    /// partition in <c>supervisord.conf.d/</c>.
    /// </summary>
    public string Directory { get; set; } = "/srv/slapgrid/etc";

    /// <summary>The supervisord executable.</summary>
    public string SupervisordPath { get; set; } = "/usr/bin/supervisord";

    /// <summary>Seconds a program must stay up to count as started (<c>startsecs</c>).</summary>
    public int StartSeconds { get; set; } = 1;

    /// <summary>Failed starts retried before a program is FATAL (<c>startretries</c>).</summary>
    public int StartRetries { get; set; } = 3;

    /// <summary>
    /// One supervisord group per program (<c>[program:slappartN_web]</c>, its own group) instead of
    /// SlapOS's one <c>[group:slappartN]</c> per partition. supervisord replaces a whole group when any
    /// of its programs changes, so only this layout restarts just the changed program on an update.
    /// </summary>
    public bool GroupPerProgram { get; set; }

    /// <summary>How often process states are polled (start/stop completion and crashes of watched programs).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait for supervisord to answer after it is started, and for one XML-RPC call.</summary>
    public TimeSpan DaemonTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait for a group's programs to leave STARTING after a start.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether stopping the host also shuts supervisord down (and with it every partition's processes). Off by default, as with SlapOS.</summary>
    public bool ShutdownOnHostStop { get; set; }

    /// <summary>supervisord's main configuration file.</summary>
    internal string ConfigFile => Path.Combine(Directory, "supervisord.conf");

    /// <summary>The directory of the per-partition files.</summary>
    internal string IncludeDirectory => Path.Combine(Directory, "supervisord.conf.d");

    /// <summary>The XML-RPC unix socket.</summary>
    internal string SocketPath => Path.Combine(Directory, "supervisord.sock");

    /// <summary>supervisord's pid file.</summary>
    internal string PidFile => Path.Combine(Directory, "supervisord.pid");

    /// <summary>supervisord's own log.</summary>
    internal string LogFile => Path.Combine(Directory, "supervisord.log");
}
