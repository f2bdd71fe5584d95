namespace SlapOS;

/// <summary>
/// A plugin of the allocation marketplace. The pipeline runs every policy's
/// <see cref="Filter"/> in order, then sums the weighted, normalized <see cref="Score"/>s of
/// the survivors, then reserves a partition on the best computer (a lost race tries the next).
/// Register with <c>AddAllocationPolicy&lt;T&gt;()</c>.
/// </summary>
public interface IAllocationPolicy
{
    /// <summary>The policy's name, used for weights in configuration and in explanations.</summary>
    string Name { get; }

    /// <summary>
    /// Keeps the candidates this policy accepts. The pipeline explains a failed allocation with how
    /// many each policy eliminated. The default keeps every candidate.
    /// </summary>
    /// <exception cref="SlapException">The request itself is invalid for this policy (e.g. an unknown computer).</exception>
    IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates) => candidates;

    /// <summary>
    /// A raw score for one candidate (higher is better), or <see langword="null"/> when this policy does not score.
    /// The pipeline normalizes raw scores to 0..1 across the candidates and multiplies by the policy's weight.
    /// </summary>
    double? Score(AllocationContext context, AllocationCandidate candidate) => null;
}
