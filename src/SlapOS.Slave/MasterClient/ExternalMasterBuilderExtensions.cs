using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Slave;

namespace SlapOS;

/// <summary>Federation: how a master reaches the external masters it forwards requests to.</summary>
public static class ExternalMasterBuilderExtensions
{
    /// <summary>
    /// Forwards to external masters (<c>SlapOS:Master:Federation:Masters</c>) over their JSON API with our master
    /// client, each with its own client certificate and CA bundle, retried with back-off.
    /// </summary>
    public static ISlapOSMasterBuilder UseJsonExternalMasters(this ISlapOSMasterBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IExternalMasterClientFactory, JsonExternalMasterClientFactory>();
        return builder;
    }
}
