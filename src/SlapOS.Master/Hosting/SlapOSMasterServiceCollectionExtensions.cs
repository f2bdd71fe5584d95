using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Master;

namespace SlapOS;

/// <summary>Registers the SlapOS master.</summary>
public static class SlapOSMasterServiceCollectionExtensions
{
    /// <summary>
    /// Adds the master's services with their defaults (registered with <c>TryAdd*</c>, so calling this
    /// twice is safe and a later <c>Use…</c> wins), binds <c>SlapOS:Master</c> and validates it at start-up.
    /// </summary>
    public static ISlapOSMasterBuilder AddSlapOSMaster(this IServiceCollection services, Action<ISlapOSMasterBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SlapOSMasterOptions>()
            .BindConfiguration(SlapOSMasterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SlapOS.Master.Api.Security.MasterTlsMaterial>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, SlapOS.Master.Api.Security.InsecureLoopbackStartupCheck>());

        var builder = new SlapOSMasterBuilder(services);
        configure?.Invoke(builder);
        return builder;
    }
}
