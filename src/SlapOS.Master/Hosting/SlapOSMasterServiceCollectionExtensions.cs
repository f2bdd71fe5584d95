using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlapOS.Master;
using SlapOS.Master.Allocation;
using SlapOS.Master.Allocation.Policies;
using SlapOS.Master.Federation;
using SlapOS.Master.Hosting;
using SlapOS.Master.Telemetry;

namespace SlapOS;

/// <summary>Registers the SlapOS master.</summary>
public static class SlapOSMasterServiceCollectionExtensions
{
    /// <summary>
    /// Adds the master's services with their defaults (registered with <c>TryAdd*</c>, so calling this
    /// twice is safe and a later <c>Use…</c> wins), binds <c>SlapOS:Master</c> and validates it at start-up.
    /// A store must be chosen (<c>UseSqlite</c> or <c>UsePostgreSql</c> from SlapOS.Providers): without one the
    /// host fails at start with a message that says so.
    /// </summary>
    public static ISlapOSMasterBuilder AddSlapOSMaster(this IServiceCollection services, Action<ISlapOSMasterBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SlapOSMasterOptions>()
            .BindConfiguration(SlapOSMasterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlapOSMasterOptions>, SlapOS.Master.Compatibility.SlapOSMasterCompatibilityOptionsValidator>());
        services.AddOptions<SlapOSMasterLimitsOptions>()
            .BindConfiguration(SlapOSMasterLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigureOptions<KestrelServerOptions>, SlapOS.Master.Api.Limits.KestrelBodyLimit>());
        services.AddOptions<AllocationOptions>().BindConfiguration(AllocationOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MasterTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<AllocationPipeline>();
        services.TryAddSingleton<SlapMaster>();
        services.TryAddSingleton<SlapOS.Master.Changes.ComputerChangeNotifier>();
        services.TryAddSingleton<ISlapMaster>(sp => sp.GetRequiredService<SlapMaster>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MasterStoreStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlapOS.Master.Compatibility.SlapproxyDefaultComputerStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlapOS.Master.Api.Security.CertificateAuthorityStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlapOS.Master.Changes.ComputerChangeListener>());
        services.TryAddSingleton<SlapOS.Master.Api.Security.MasterTlsMaterial>();
        services.TryAddSingleton<SlapOS.Master.Api.Onboarding.OnboardingTokenStore>();

        // The identity state lives in the master store (every provider's store keeps both): one truth for every master.
        services.TryAddSingleton(sp => sp.GetRequiredService<IMasterStore>() as IIdentityStore
            ?? throw new InvalidOperationException($"the master store ({sp.GetRequiredService<IMasterStore>().GetType().Name}) does not keep identities: it must implement IIdentityStore"));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlapOS.Master.Api.Security.InsecureLoopbackStartupCheck>());
        services.TryAddSingleton<SlapOS.Master.Administration.AdministratorRecord>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlapOS.Master.Administration.AdministratorBootstrapNotice>());

        // Readiness (/health/ready): the store answers and its migrations are applied. Checks are keyed by
        // name, so calling AddSlapOSMaster twice must not add the check twice.
        if (!services.Any(d => d.ServiceType == typeof(SlapOS.Master.Health.MasterStoreHealthCheck)))
        {
            services.AddSingleton<SlapOS.Master.Health.MasterStoreHealthCheck>();
            services.AddHealthChecks().AddCheck<SlapOS.Master.Health.MasterStoreHealthCheck>("slapos-master-store", tags: [SlapOSHealthEndpointRouteBuilderExtensions.ReadyTag]);
        }

        // Federation: external masters (SlapOS:Master:Federation) and the rules that forward requests to them.
        services.AddOptions<FederationOptions>().BindConfiguration(FederationOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FederationOptions>, FederationOptionsValidator>());
        services.TryAddSingleton<ExternalMasters>();
        services.TryAddSingleton<RequestForwarder>();
        services.TryAddSingleton<ForwardedInstanceRefresh>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ForwardedInstanceRefresh>(sp => sp.GetRequiredService<ForwardedInstanceRefresh>()));

        var builder = new SlapOSMasterBuilder(services);

        // The built-in marketplace, in pipeline order; plugins added later run after them.
        builder.AddAllocationPolicy<ComputerGuidPolicy>()
            .AddAllocationPolicy<CapacityPolicy>()
            .AddAllocationPolicy<AttributesPolicy>()
            .AddAllocationPolicy<MaxPricePolicy>()
            .AddAllocationPolicy<SoftwareInstalledPolicy>()
            .AddAllocationPolicy<PlacementPolicy>();

        // The built-in forwarding rules, as slapproxy's multimaster; rules added later run after them.
        builder.AddForwardingRule<MasterUrlForwardingRule>()
            .AddForwardingRule<SoftwareReleaseListForwardingRule>();
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>
    /// Adds an allocation policy (a plugin of the marketplace) after those already registered; adding
    /// the same type twice keeps one. Its scores are weighted by <c>SlapOS:Master:Allocation:Weights:&lt;Name&gt;</c>.
    /// </summary>
    public static ISlapOSMasterBuilder AddAllocationPolicy<TPolicy>(this ISlapOSMasterBuilder builder)
        where TPolicy : class, IAllocationPolicy
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllocationPolicy, TPolicy>());
        return builder;
    }

    /// <summary>
    /// Adds a forwarding rule (federation: send a new request to an external master configured under
    /// <c>SlapOS:Master:Federation:Masters</c>) after those already registered; adding the same type twice keeps one.
    /// </summary>
    public static ISlapOSMasterBuilder AddForwardingRule<TRule>(this ISlapOSMasterBuilder builder)
        where TRule : class, IForwardingRule
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IForwardingRule, TRule>());
        return builder;
    }
}
