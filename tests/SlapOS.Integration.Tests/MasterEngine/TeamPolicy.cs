namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>A plugin written only against the public contract: keeps computers of the SLA's team, prefers the larger ones.</summary>
public sealed class TeamPolicy : IAllocationPolicy
{
    public string Name => "team";

    public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates) =>
        context.Sla("team") is { } team
            ? candidates.Where(c => c.Computer.Attributes.GetValueOrDefault("owner_team") == team).ToList()
            : candidates;

    public double? Score(AllocationContext context, AllocationCandidate candidate) => candidate.TotalPartitions;
}
