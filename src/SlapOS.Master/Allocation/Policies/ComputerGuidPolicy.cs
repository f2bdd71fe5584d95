namespace SlapOS.Master.Allocation.Policies;

/// <summary><c>computer_guid</c>: the requester names the computer; an unknown computer is an error, not "no capacity".</summary>
internal sealed class ComputerGuidPolicy : IAllocationPolicy, IAllocationPreflight
{
    public string Name => SlaKeys.ComputerGuid;

    public void Check(AllocationContext context, IReadOnlyList<AllocationCandidate> allComputers)
    {
        if (context.Sla(SlaKeys.ComputerGuid) is { } reference && !allComputers.Any(c => c.Computer.Reference == reference))
        {
            throw new SlapNotFoundException("computer", reference);
        }
    }

    public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates) =>
        context.Sla(SlaKeys.ComputerGuid) is { } reference
            ? [.. candidates.Where(c => c.Computer.Reference == reference)]
            : candidates;
}
