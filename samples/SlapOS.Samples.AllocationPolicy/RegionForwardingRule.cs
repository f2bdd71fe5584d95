using Microsoft.Extensions.Options;

namespace SlapOS.Samples.AllocationPolicy;

/// <summary>
/// A forwarding rule written only against the public contract: a request whose SLA names a region served by
/// another master (<c>region = eu-west</c>) is forwarded there; any other request is left to the next rule and,
/// in the end, to this master's marketplace.
/// </summary>
public sealed class RegionForwardingRule(IOptions<RegionForwardingOptions> options) : IForwardingRule
{
    /// <inheritdoc />
    public string Name => "region_forwarding";

    /// <inheritdoc />
    public string? ExternalMasterFor(AllocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = options.Value;
        return context.Sla(settings.SlaKey) is { } region && settings.Masters.TryGetValue(region, out var master) ? master : null;
    }
}
