namespace SlapOS.Master.Allocation.Policies;

/// <summary><c>capacity</c>: only computers open to allocation with a free partition.</summary>
internal sealed class CapacityPolicy : IAllocationPolicy
{
    public string Name => "capacity";

    public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.FreePartitions <= 0 || !candidate.Computer.AllocationOpen)
            {
                return [.. candidates.Where(c => c.FreePartitions > 0 && c.Computer.AllocationOpen)];
            }
        }

        return candidates;
    }
}
