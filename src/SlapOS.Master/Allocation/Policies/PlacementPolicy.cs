using Microsoft.Extensions.Options;

namespace SlapOS.Master.Allocation.Policies;

/// <summary>
/// <c>spread</c> or <c>bin-pack</c> (option <c>SlapOS:Master:Allocation:Strategy</c>): scores by the share of
/// free partitions, highest first to spread, lowest first to pack.
/// </summary>
internal sealed class PlacementPolicy(IOptionsMonitor<AllocationOptions> options) : IAllocationPolicy
{
    public string Name => options.CurrentValue.Strategy == AllocationStrategy.BinPack ? "bin-pack" : "spread";

    public double? Score(AllocationContext context, AllocationCandidate candidate)
    {
        var freeShare = candidate.TotalPartitions == 0 ? 0 : (double)candidate.FreePartitions / candidate.TotalPartitions;
        return options.CurrentValue.Strategy == AllocationStrategy.BinPack ? -freeShare : freeShare;
    }
}
