using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Formatting;

namespace SlapOS;

/// <summary>Registers the root partition formatter on a node.</summary>
public static class LinuxFormatterSlaveBuilderExtensions
{
    /// <summary>
    /// Formats partitions as real Unix users with their own addresses and optional taps (needs root;
    /// replaces any earlier <see cref="IPartitionFormatter"/>). Options are bound from
    /// <c>SlapOS:Slave:LinuxFormatter</c>, then <paramref name="configure"/> applies, and they are
    /// validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseLinuxFormatter(this ISlapOSSlaveBuilder builder, Action<LinuxFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<LinuxFormatterOptions>()
            .BindConfiguration(LinuxFormatterOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LinuxFormatterOptions>, LinuxFormatterOptionsValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IPartitionFormatter, LinuxFormatter>());
        return builder;
    }
}
