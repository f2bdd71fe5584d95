namespace SlapOS;

/// <summary>A release to install or remove on this node.</summary>
/// <param name="SoftwareReleaseUrl">The release URL.</param>
/// <param name="SoftwareRoot">The node's software root.</param>
/// <param name="User">The Unix user to build as, when the node runs as root.</param>
public sealed record SoftwareBuild(string SoftwareReleaseUrl, string SoftwareRoot, string? User = null)
{
    /// <summary>The release's install directory: <c>&lt;software_root&gt;/&lt;md5(url)&gt;</c>.</summary>
    public string InstallDirectory => Path.Combine(SoftwareRoot, SoftwareRelease.ComputeInstallDirectoryName(SoftwareReleaseUrl));

    /// <summary>The marker written when the install completed.</summary>
    public string CompletedMarker => Path.Combine(InstallDirectory, ".completed");
}
