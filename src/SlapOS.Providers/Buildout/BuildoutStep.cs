namespace SlapOS.Providers.Buildout;

/// <summary>What <see cref="BuildoutRun"/> hands an installer to run buildout in one directory.</summary>
/// <param name="Directory">The release's install directory, or the partition.</param>
/// <param name="Profile">The <c>buildout.cfg</c> already written there.</param>
/// <param name="SoftwareRoot">The node's software root (for caches and support files).</param>
/// <param name="Log">The run's log (<see cref="BuildoutRun.LogFileName"/> in <paramref name="Directory"/>).</param>
/// <param name="Owner">The Unix user the run builds as, when the node runs as root.</param>
internal sealed record BuildoutStep(string Directory, string Profile, string SoftwareRoot, StreamWriter Log, FileOwner? Owner);
