namespace SlapOS;

/// <summary>
/// Installs software releases and deploys instance profiles (buildout). The layout is SlapOS's:
/// a release goes to <c>&lt;software_root&gt;/&lt;md5(url)&gt;</c> with a <c>.completed</c> marker,
/// and it provides the instance profile <c>instance.cfg</c>.
/// </summary>
public interface ISoftwareInstaller
{
    /// <summary>Installs a release into <see cref="SoftwareInstallation.SoftwareReleaseUrl"/>'s directory; writes <c>.completed</c> on success.</summary>
    /// <exception cref="SoftwareInstallerException">The build failed; carries the tail of its log.</exception>
    Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken);

    /// <summary>Removes an installed release directory.</summary>
    Task RemoveSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken);

    /// <summary>
    /// Deploys the release's instance profile into a partition: writes <c>buildout.cfg</c> (the
    /// profile plus the <c>[slap-connection]</c> tail) and runs it. Returns what the profile
    /// published (connection parameters), if anything.
    /// </summary>
    /// <exception cref="SoftwareInstallerException">The deployment failed; carries the tail of its log.</exception>
    Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken);
}
