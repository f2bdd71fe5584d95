using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SlapOS;

namespace SlapOSPolicy1;

/// <summary>Registers <see cref="PreferredAttributePolicy"/> on a master.</summary>
public static class PreferredAttributeBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PreferredAttributePolicy"/> to the allocation marketplace (after the built-in policies),
    /// with its options bound from <c>SlapOS:Master:Allocation:PreferredAttribute</c>. Calling it twice is safe.
    /// </summary>
    public static ISlapOSMasterBuilder AddPreferredAttributePolicy(this ISlapOSMasterBuilder builder, Action<PreferredAttributeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PreferredAttributeOptions>().BindConfiguration(PreferredAttributeOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAllocationPolicy, PreferredAttributePolicy>());
        return builder;
    }
}
