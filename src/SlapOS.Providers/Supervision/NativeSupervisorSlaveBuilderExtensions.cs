using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Supervision;

namespace SlapOS;

/// <summary>Registers the native process supervisor on a node.</summary>
public static class NativeSupervisorSlaveBuilderExtensions
{
    /// <summary>
    /// Uses the embedded process supervisor (replaces any earlier <see cref="IProcessSupervisor"/>).
    /// Options are bound from <c>SlapOS:Slave:NativeSupervisor</c>, then <paramref name="configure"/>
    /// applies, and they are validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseNativeSupervisor(this ISlapOSSlaveBuilder builder, Action<NativeSupervisorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<NativeSupervisorOptions>()
            .BindConfiguration(NativeSupervisorOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NativeSupervisorOptions>, NativeSupervisorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton<IProcessSupervisor, NativeSupervisor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NativeSupervisorShutdown>());
        return builder;
    }
}
