using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Slave;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Daemon;
using SlapOS.Slave.Formatting;
using SlapOS.Slave.Instances;
using SlapOS.Slave.Processes;
using SlapOS.Slave.Promises;
using SlapOS.Slave.Reporting;
using SlapOS.Slave.Software;

namespace SlapOS;

/// <summary>Registers the SlapOS node agent.</summary>
public static class SlapOSSlaveServiceCollectionExtensions
{
    /// <summary>
    /// Adds the node's services with their defaults (registered with <c>TryAdd*</c>, so calling this
    /// twice is safe and a later <c>Use…</c> wins), binds <c>SlapOS:Slave</c> and validates it at start-up:
    /// the node agent (<see cref="INodeAgent"/>) and the node daemon (a hosted service that runs when
    /// <c>SlapOS:Slave:RunDaemon</c> is true). The formatter, installer, supervisor and master client
    /// come from the providers' <c>Use…</c> methods. Adds the node's readiness check (tagged
    /// <see cref="SlapOSHealth.ReadyTag"/>) to the host's health checks: a web host maps it with
    /// <c>MapSlapOSHealthChecks</c> as a master does.
    /// </summary>
    public static ISlapOSSlaveBuilder AddSlapOSSlave(this IServiceCollection services, Action<ISlapOSSlaveBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SlapOSSlaveOptions>()
            .BindConfiguration(SlapOSSlaveOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<NodeLayout>();
        services.TryAddSingleton<ExecutableRunner>();
        services.TryAddSingleton<PromiseRunner>();
        services.TryAddSingleton<ConnectionPublisher>();
        services.TryAddSingleton<CrashBangRegistry>();
        services.TryAddSingleton<CrashBangWatcher>();
        services.TryAddSingleton<SlapOS.Slave.Managers.NodeManagers>();
        services.TryAddSingleton<FormatRun>();
        services.TryAddSingleton<SoftwareRun>();
        services.TryAddSingleton<InstanceRun>();
        services.TryAddSingleton<SlapOS.Slave.Identity.ComputerCertificateRenewal>();
        services.TryAddSingleton<ReportRun>();
        services.TryAddSingleton<PromiseRun>();
        services.TryAddSingleton<SlapOS.Slave.Health.NodeRunRecord>();
        services.TryAddSingleton<INodeAgent, NodeAgent>();
        services.AddHostedService<SlapgridDaemon>();

        // Readiness (/health/ready where the host maps it): the master was reachable at the last run and a run
        // reached it recently. Checks are keyed by name, so calling AddSlapOSSlave twice must not add it twice.
        if (!services.Any(d => d.ServiceType == typeof(SlapOS.Slave.Health.NodeReadinessHealthCheck)))
        {
            services.AddSingleton<SlapOS.Slave.Health.NodeReadinessHealthCheck>();
            services.AddHealthChecks().AddCheck<SlapOS.Slave.Health.NodeReadinessHealthCheck>("slapos-node", tags: [SlapOSHealth.ReadyTag]);
        }

        var builder = new SlapOSSlaveBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }
}
