using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Providers.ZcBuildout;

namespace SlapOS;

/// <summary>Registers the zc.buildout software installer on a node.</summary>
public static class ZcBuildoutSlaveBuilderExtensions
{
    /// <summary>
    /// Uses the real zc.buildout (Debian's <c>python3-zc.buildout</c>, run offline by
    /// <c>/usr/bin/python3</c> through a launcher, with this project's recipes) as the node's
    /// <see cref="ISoftwareInstaller"/>, replacing any installer registered before.
    /// </summary>
    public static ISlapOSSlaveBuilder UseBuildout(this ISlapOSSlaveBuilder builder, Action<ZcBuildoutOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ZcBuildoutOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.RemoveAll<ISoftwareInstaller>();
        builder.Services.AddSingleton<ISoftwareInstaller, ZcBuildoutInstaller>();
        return builder;
    }
}
