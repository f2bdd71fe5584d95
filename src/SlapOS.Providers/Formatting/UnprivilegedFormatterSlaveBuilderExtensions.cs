using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Formatting;

namespace SlapOS;

/// <summary>Registers the unprivileged partition formatter on a node.</summary>
public static class UnprivilegedFormatterSlaveBuilderExtensions
{
    /// <summary>
    /// Uses the unprivileged formatter (directories and loopback addresses; replaces any earlier
    /// <see cref="IPartitionFormatter"/>). Options are bound from <c>SlapOS:Slave:UnprivilegedFormatter</c>,
    /// then <paramref name="configure"/> applies, and they are validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseUnprivilegedFormatter(this ISlapOSSlaveBuilder builder, Action<UnprivilegedFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<UnprivilegedFormatterOptions>()
            .BindConfiguration(UnprivilegedFormatterOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UnprivilegedFormatterOptions>, UnprivilegedFormatterOptionsValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IPartitionFormatter, UnprivilegedFormatter>());
        return builder;
    }
}
