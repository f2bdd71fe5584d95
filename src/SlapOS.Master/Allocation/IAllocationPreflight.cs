namespace SlapOS.Master.Allocation;

/// <summary>
/// A built-in policy that checks the request against every computer before any filter runs,
/// to turn a request no computer could ever serve (an unknown computer, an SLA key nobody carries)
/// into a clear error rather than "no free partition".
/// </summary>
internal interface IAllocationPreflight
{
    void Check(AllocationContext context, IReadOnlyList<AllocationCandidate> allComputers);
}
