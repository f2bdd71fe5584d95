using Microsoft.Extensions.DependencyInjection;
using SlapOS.Slave.Managers;

namespace SlapOS;

/// <summary>Registers the pre-destroy script manager on a node.</summary>
public static class PrermSlaveBuilderExtensions
{
    /// <summary>
    /// Runs each partition's <c>etc/prerm/*</c> scripts before it is destroyed (slapgrid's <c>prerm</c> manager). Options are
    /// bound from <c>SlapOS:Slave:Managers:Prerm</c>, then <paramref name="configure"/> applies, and they are validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UsePrermManager(this ISlapOSSlaveBuilder builder, Action<PrermManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PrermManagerOptions>()
            .BindConfiguration(PrermManagerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder.AddNodeManager<PrermManager>();
    }
}
