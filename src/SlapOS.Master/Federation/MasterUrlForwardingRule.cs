using SlapOS.Master.Allocation;

namespace SlapOS.Master.Federation;

/// <summary>
/// <c>master_url</c>: the SLA names the external master (slapproxy's <c>filter_kw['master_url']</c>). A master that
/// is not configured is refused (slapproxy answers 404) rather than allocated here against the requester's wish;
/// one of this master's own URLs (<see cref="FederationOptions.LocalUrls"/>) is allocated here.
/// </summary>
internal sealed class MasterUrlForwardingRule(ExternalMasters masters) : IForwardingRule
{
    public string Name => SlaKeys.MasterUrl;

    public string? ExternalMasterFor(AllocationContext context)
    {
        if (context.Sla(SlaKeys.MasterUrl) is not { Length: > 0 } url || masters.IsLocal(url))
        {
            return null;
        }

        return masters.Find(url)?.Url
            ?? throw new SlapValidationException($"sla.{SlaKeys.MasterUrl}", $"'{url}' is not an external master of this master ({FederationOptions.SectionName}:Masters)");
    }
}
