using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Providers.BinaryCache;

namespace SlapOS;

/// <summary>Registers the binary cache on a node.</summary>
public static class BinaryCacheSlaveBuilderExtensions
{
    /// <summary>
    /// Wraps the node's <see cref="ISoftwareInstaller"/> (registered before: call after <c>UseNativeBuildout</c> or
    /// <c>UseBuildout</c>) so releases come from the binary cache when a trusted compatible build is there, and built
    /// releases are uploaded when allowed. Options bind <c>SlapOS:Slave:BinaryCache</c>, then <paramref name="configure"/> applies;
    /// they are validated at start-up.
    /// </summary>
    /// <exception cref="InvalidOperationException">No software installer is registered yet.</exception>
    public static ISlapOSSlaveBuilder UseBinaryCache(this ISlapOSSlaveBuilder builder, Action<BinaryCacheClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(ISoftwareInstaller) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("UseBinaryCache wraps the node's software installer: call UseNativeBuildout or UseBuildout first.");
        var options = services.AddOptions<BinaryCacheClientOptions>().BindConfiguration(BinaryCacheClientOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BinaryCacheClientOptions>, BinaryCacheClientOptionsValidator>());
        services.Remove(inner);
        services.AddSingleton<ISoftwareInstaller>(provider => new BinaryCacheSoftwareInstaller(
            Resolve(provider, inner),
            provider.GetRequiredService<IOptions<BinaryCacheClientOptions>>().Value,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("SlapOS.Node.BinaryCache")));
        return builder;
    }

    private static ISoftwareInstaller Resolve(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (ISoftwareInstaller)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}
