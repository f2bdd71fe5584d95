using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Slave;

namespace SlapOS;

/// <summary>Federation: how a master reaches the external masters it forwards requests to.</summary>
public static class ExternalMasterBuilderExtensions
{
    /// <summary>
    /// Forwards to external masters (<c>SlapOS:Master:Federation:Masters</c>) with our master clients: the JSON API
    /// (default) or, with <c>Api = xml</c>, the legacy slap API; each with its own client certificate and CA bundle,
    /// retried with back-off.
    /// </summary>
    public static ISlapOSMasterBuilder UseJsonExternalMasters(this ISlapOSMasterBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IExternalMasterClientFactory, ExternalMasterClientFactory>();
        return builder;
    }
}
