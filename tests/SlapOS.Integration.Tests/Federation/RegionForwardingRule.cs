using Microsoft.Extensions.Options;
using SlapOS.Master.Federation;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>An integrator's rule: SLA <c>region = eu-b</c> goes to the external master named <c>b</c>.</summary>
public sealed class RegionForwardingRule(IOptions<FederationOptions> options) : IForwardingRule
{
    public const string Region = "eu-b";

    public string Name => "region";

    public string? ExternalMasterFor(AllocationContext context) =>
        context.Sla("region") == Region ? options.Value.Masters["b"].Url : null;
}
