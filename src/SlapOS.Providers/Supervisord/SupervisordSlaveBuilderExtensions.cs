using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Supervisord;

namespace SlapOS;

/// <summary>Registers supervisord as the node's process supervisor.</summary>
public static class SupervisordSlaveBuilderExtensions
{
    /// <summary>
    /// Runs the partitions' processes under the node's supervisord (started if it is not running;
    /// replaces any earlier <see cref="IProcessSupervisor"/>). Options are bound from
    /// <c>SlapOS:Slave:Supervisord</c>, then <paramref name="configure"/> applies, and they are
    /// validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseSupervisord(this ISlapOSSlaveBuilder builder, Action<SupervisordOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SupervisordOptions>()
            .BindConfiguration(SupervisordOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupervisordOptions>, SupervisordOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton<IProcessSupervisor, SupervisordSupervisor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SupervisordShutdown>());
        return builder;
    }
}
