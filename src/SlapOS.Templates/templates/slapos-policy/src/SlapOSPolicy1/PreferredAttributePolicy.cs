using Microsoft.Extensions.Options;
using SlapOS;

namespace SlapOSPolicy1;

/// <summary>
/// Prefers computers whose attribute (<see cref="PreferredAttributeOptions.AttributeName"/>) has the preferred value;
/// with <see cref="PreferredAttributeOptions.Required"/> it also eliminates the others. How much the preference
/// weighs against the other scorers is the operator's choice: <c>SlapOS:Master:Allocation:Weights:preferred_attribute</c>.
/// </summary>
public sealed class PreferredAttributePolicy(IOptions<PreferredAttributeOptions> options) : IAllocationPolicy
{
    /// <summary>The policy name, used for its weight and in explanations.</summary>
    public const string PolicyName = "preferred_attribute";

    /// <inheritdoc />
    public string Name => PolicyName;

    /// <inheritdoc />
    public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return options.Value.Required ? [.. candidates.Where(Preferred)] : candidates;
    }

    /// <inheritdoc />
    public double? Score(AllocationContext context, AllocationCandidate candidate) => Preferred(candidate) ? 1.0 : 0.0;

    private bool Preferred(AllocationCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var settings = options.Value;
        return candidate.Computer.Attributes.TryGetValue(settings.AttributeName, out var value)
            && string.Equals(value, settings.PreferredValue, StringComparison.OrdinalIgnoreCase);
    }
}
