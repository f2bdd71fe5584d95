using SlapOS.Providers.ZcBuildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>The installer conformance suite against the real zc.buildout (Debian's, offline, with our recipes).</summary>
public sealed class ZcBuildoutInstallerConformanceTests : SoftwareInstallerConformanceTests
{
    protected override ISoftwareInstaller CreateInstaller()
    {
        ZcBuildoutPrerequisites.Require();
        return new ZcBuildoutInstaller(new ZcBuildoutOptions());
    }
}
