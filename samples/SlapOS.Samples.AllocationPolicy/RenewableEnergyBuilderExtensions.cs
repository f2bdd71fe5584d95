using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS.Samples.AllocationPolicy;

namespace SlapOS;

/// <summary>Registers the renewable-energy preference on a master.</summary>
public static class RenewableEnergyBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="RenewableEnergyPolicy"/> to the allocation marketplace (after the built-in policies).
    /// Equivalent to <c>master.AddAllocationPolicy&lt;RenewableEnergyPolicy&gt;()</c> plus its options.
    /// </summary>
    public static ISlapOSMasterBuilder AddRenewableEnergyPreference(this ISlapOSMasterBuilder builder, Action<RenewableEnergyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<RenewableEnergyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllocationPolicy, RenewableEnergyPolicy>());
        return builder;
    }
}
