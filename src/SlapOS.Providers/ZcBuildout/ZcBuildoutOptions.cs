namespace SlapOS.Providers.ZcBuildout;

/// <summary>Options of the zc.buildout software installer (<c>UseBuildout()</c>).</summary>
public sealed class ZcBuildoutOptions
{
    /// <summary>
    /// The Python that runs buildout: Debian's, whose <c>dist-packages</c> hold
    /// <c>python3-zc.buildout</c> and <c>python3-setuptools</c> (not a pyenv or venv python).
    /// </summary>
    public string PythonExecutable { get; set; } = "/usr/bin/python3";

    /// <summary>
    /// Where the launcher and the recipe distributions are written (readable by every
    /// partition user). Default: <c>.zc-buildout</c> in the software root.
    /// </summary>
    public string? SupportDirectory { get; set; }

    /// <summary>
    /// Whether software installs run offline too (instance deployments always do). Offline,
    /// a release can only extend local files; online, buildout may download extends and eggs.
    /// </summary>
    public bool OfflineSoftwareInstalls { get; set; } = true;

    /// <summary>How long one buildout run may take before it is killed and reported as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How many lines of the log a failure carries (what the master is told).</summary>
    public int LogTailLines { get; set; } = 40;
}
