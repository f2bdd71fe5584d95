namespace SlapOS.Providers.Supervision;

/// <summary>Options of the native process supervisor, bound from <c>SlapOS:Slave:NativeSupervisor</c>.</summary>
public sealed class NativeSupervisorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:NativeSupervisor";

    /// <summary>
    /// Where the supervisor keeps one file per program (its definition, pid and start time), so
    /// that a restarted host finds and adopts the processes of the previous run.
    /// </summary>
    public string StateDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "slapos",
        "native-supervisor");

    /// <summary>A run shorter than this counts as a failed start (supervisord's <c>startsecs</c>).</summary>
    public TimeSpan StartSeconds { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many failed starts in a row are retried before the program goes <see cref="ProgramState.Fatal"/>.</summary>
    public int StartRetries { get; set; } = 5;

    /// <summary>The wait before the first restart; it doubles after each failed start.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before a restart.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A log file larger than this is rotated.</summary>
    public long LogMaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>How many rotated log files are kept (<c>name.log.1</c> … <c>name.log.N</c>).</summary>
    public int LogBackups { get; set; } = 3;

    /// <summary>How often log sizes are checked.</summary>
    public TimeSpan LogCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a process adopted from a previous run (not a child of this host) is checked for exit.</summary>
    public TimeSpan AdoptedPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether stopping the host stops the partitions' processes. Off by default: as with SlapOS,
    /// services keep running while the node agent restarts, and the next run adopts them.
    /// </summary>
    public bool StopProcessesOnShutdown { get; set; }
}
