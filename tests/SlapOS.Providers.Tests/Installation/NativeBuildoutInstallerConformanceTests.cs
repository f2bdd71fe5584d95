using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Installation;

public sealed class NativeBuildoutInstallerConformanceTests : SoftwareInstallerConformanceTests
{
    protected override ISoftwareInstaller CreateInstaller() =>
        NativeBuildoutInstaller.WithBuiltInRecipes(new NativeBuildoutOptions { DownloadCacheDirectory = Path.Combine(Root, "cache") });
}
