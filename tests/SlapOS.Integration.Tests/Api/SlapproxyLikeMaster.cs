namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// A loopback master configured like the slapproxy of the captures (<c>computer_id = local_computer</c>): a
/// request without <c>computer_guid</c> or <c>instance_guid</c> goes to the default computer only.
/// </summary>
public sealed class SlapproxyLikeMaster : LoopbackMaster
{
    public const string DefaultComputer = "local_computer";

    protected override void Configure(ISlapOSMasterBuilder master) => master.AddAllocationPolicy<DefaultComputerPolicy>();

    /// <summary>slapproxy's rule: no computer named, the configured default computer.</summary>
    public sealed class DefaultComputerPolicy : IAllocationPolicy
    {
        public string Name => "default_computer";

        public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates) =>
            context.Sla("computer_guid") is null && context.Sla("instance_guid") is null
                ? candidates.Where(c => c.Computer.Reference == DefaultComputer).ToList()
                : candidates;

        public double? Score(AllocationContext context, AllocationCandidate candidate) => null;
    }
}
