using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Samples.AllocationPolicy;

namespace SlapOS;

/// <summary>Registers the region forwarding rule on a master.</summary>
public static class RegionForwardingBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="RegionForwardingRule"/> after the built-in forwarding rules (SLA <c>master_url</c>, release lists).
    /// Equivalent to <c>master.AddForwardingRule&lt;RegionForwardingRule&gt;()</c> plus its options.
    /// </summary>
    public static ISlapOSMasterBuilder AddRegionForwarding(this ISlapOSMasterBuilder builder, Action<RegionForwardingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<RegionForwardingOptions>().Configure(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IForwardingRule, RegionForwardingRule>());
        return builder;
    }
}
