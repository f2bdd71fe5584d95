namespace SlapOS.Master.Allocation.Policies;

/// <summary><c>software_installed</c>: prefers computers that already have the release installed (nothing to build).</summary>
internal sealed class SoftwareInstalledPolicy : IAllocationPolicy
{
    public string Name => "software_installed";

    public double? Score(AllocationContext context, AllocationCandidate candidate) => candidate.HasReleaseInstalled ? 1 : 0;
}
