using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Slave;

namespace SlapOS;

/// <summary>Registers the SlapOS node agent.</summary>
public static class SlapOSSlaveServiceCollectionExtensions
{
    /// <summary>
    /// Adds the node's services with their defaults (registered with <c>TryAdd*</c>, so calling this
    /// twice is safe and a later <c>Use…</c> wins), binds <c>SlapOS:Slave</c> and validates it at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder AddSlapOSSlave(this IServiceCollection services, Action<ISlapOSSlaveBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SlapOSSlaveOptions>()
            .BindConfiguration(SlapOSSlaveOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var builder = new SlapOSSlaveBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }
}
