namespace SlapOS.Providers.Buildout;

/// <summary>Options of the native buildout engine (<c>UseNativeBuildout()</c>).</summary>
public sealed class NativeBuildoutOptions
{
    /// <summary>
    /// Where downloads (extends, templates, tarballs) are cached. Default: <c>.download-cache</c>
    /// in the software root, shared by release installs and (offline) instance deployments.
    /// </summary>
    public string? DownloadCacheDirectory { get; set; }

    /// <summary>How many lines of the log a failure carries (what the master is told).</summary>
    public int LogTailLines { get; set; } = 40;
}
