using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SlapOS;

/// <summary>Registers node managers on a node.</summary>
public static class NodeManagerSlaveBuilderExtensions
{
    /// <summary>
    /// Adds a manager the node agent calls at format, software, instance, destroy and report. Managers run in
    /// the order they were added; adding the same type twice adds it once.
    /// </summary>
    public static ISlapOSSlaveBuilder AddNodeManager<TManager>(this ISlapOSSlaveBuilder builder)
        where TManager : class, INodeManager
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TManager>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<INodeManager, TManager>(sp => sp.GetRequiredService<TManager>()));
        return builder;
    }
}
