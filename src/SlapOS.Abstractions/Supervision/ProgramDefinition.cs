namespace SlapOS;

/// <summary>One program of a partition's process group.</summary>
public sealed record ProgramDefinition
{
    /// <summary>The program name within its group (e.g. the file name under <c>etc/service</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The executable to run.</summary>
    public required string Command { get; init; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Its working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The Unix user to run as (when the supervisor runs as root).</summary>
    public string? User { get; init; }

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether a crash is reported (SlapOS watched service: <c>etc/service</c>).</summary>
    public bool Watched { get; init; }

    /// <summary>Whether to restart the program when it exits.</summary>
    public bool AutoRestart { get; init; } = true;

    /// <summary>File for standard output (and error when <see cref="StderrLogFile"/> is not set).</summary>
    public string? StdoutLogFile { get; init; }

    /// <summary>File for standard error.</summary>
    public string? StderrLogFile { get; init; }

    /// <summary>How long to wait after SIGTERM before SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
