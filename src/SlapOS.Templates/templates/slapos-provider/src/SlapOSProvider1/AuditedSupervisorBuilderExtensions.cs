using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SlapOS;
using SlapOS.Providers.Supervision;

namespace SlapOSProvider1;

/// <summary>Registers <see cref="AuditedSupervisor"/> on a node.</summary>
public static class AuditedSupervisorBuilderExtensions
{
    /// <summary>
    /// Uses <see cref="AuditedSupervisor"/> as the node's <see cref="IProcessSupervisor"/> (a later <c>Use…Supervisor</c> wins),
    /// over the native supervisor (options from <c>SlapOS:Slave:NativeSupervisor</c>, then <paramref name="configure"/>).
    /// </summary>
    public static ISlapOSSlaveBuilder UseAuditedSupervisor(this ISlapOSSlaveBuilder builder, Action<NativeSupervisorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseNativeSupervisor(configure);
        var native = builder.Services.Last(d => d.ServiceType == typeof(IProcessSupervisor)).ImplementationType
            ?? throw new InvalidOperationException("UseNativeSupervisor registered no supervisor type.");
        builder.Services.Replace(ServiceDescriptor.Singleton<IProcessSupervisor>(services => new AuditedSupervisor(
            (IProcessSupervisor)ActivatorUtilities.CreateInstance(services, native),
            services.GetRequiredService<ILogger<AuditedSupervisor>>())));
        return builder;
    }
}
