using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SlapOS.Master.BinaryCache;

namespace SlapOS;

/// <summary>
/// The binary cache service: a shacache (content by SHA-512) and a shadir (signed entries by key) that
/// slapgrid's networkcache and our node's <c>UseBinaryCache</c> use. It needs no master store: a host may serve
/// it next to the master or alone.
/// </summary>
public static class BinaryCacheServiceCollectionExtensions
{
    /// <summary>Registers the cache's storage and options (section <c>SlapOS:BinaryCache</c>), validated at start-up.</summary>
    public static IServiceCollection AddSlapOSBinaryCache(this IServiceCollection services, Action<BinaryCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<BinaryCacheOptions>().BindConfiguration(BinaryCacheOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BinaryCacheOptions>, BinaryCacheOptionsValidator>());
        services.TryAddSingleton<BinaryCacheStorage>();
        return services;
    }

    /// <summary>
    /// Maps <c>{prefix}/shacache</c> and <c>{prefix}/shadir</c>. In slapos.cfg the URLs are then
    /// <c>download-binary-cache-url = http://host{prefix}/shacache</c> and <c>download-binary-dir-url = http://host{prefix}/shadir</c>
    /// (and the same for the upload URLs). Downloads are anonymous; uploads need the configured credentials.
    /// </summary>
    public static IEndpointRouteBuilder MapSlapOSBinaryCache(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        BinaryCacheEndpoints.Map(endpoints, prefix);
        return endpoints;
    }
}
