using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Wire;

namespace SlapOS.Master.Federation;

/// <summary>
/// Where a forwarded instance lives, for the APIs and the portal. Only an instance without a local computer
/// can be forwarded, so instances that live here cost no lookup.
/// </summary>
internal static class ForwardedInstances
{
    /// <summary>The XML API's attribute of a forwarded <c>SoftwareInstance</c>, as slapproxy sets it.</summary>
    public const string MasterUrlAttribute = "_master_url";

    /// <summary>The record of <paramref name="instance"/> when it was forwarded, else <see langword="null"/>.</summary>
    public static async Task<ForwardedInstance?> FindAsync(IServiceProvider services, SoftwareInstance instance, CancellationToken cancellationToken) =>
        instance.ComputerReference is null && services.GetService<RequestForwarder>() is { } forwarder
            ? await forwarder.FindAsync(instance.Reference, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>The records of the forwarded ones among <paramref name="instances"/>, by instance reference.</summary>
    public static async Task<IReadOnlyDictionary<string, ForwardedInstance>> OfAsync(IServiceProvider services, IEnumerable<SoftwareInstance> instances, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ForwardedInstance>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            if (await FindAsync(services, instance, cancellationToken).ConfigureAwait(false) is { } forwarded)
            {
                found[instance.Reference] = forwarded;
            }
        }

        return found;
    }

    /// <summary>Adds <see cref="SlapHeaders.MasterUrl"/> and <see cref="SlapHeaders.ExternalReference"/> for a forwarded instance.</summary>
    public static async Task AddHeadersAsync(HttpContext context, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        if (await FindAsync(context.RequestServices, instance, cancellationToken).ConfigureAwait(false) is { } forwarded)
        {
            context.Response.Headers[SlapHeaders.MasterUrl] = forwarded.MasterUrl;
            if (forwarded.ExternalReference is { } reference)
            {
                context.Response.Headers[SlapHeaders.ExternalReference] = reference;
            }
        }
    }
}
