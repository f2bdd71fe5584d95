using Microsoft.Extensions.Options;

namespace SlapOS.Samples.AllocationPolicy;

/// <summary>
/// Prefers computers whose attribute <c>energy</c> is <c>renewable</c>. It eliminates nothing (a request
/// that must land on green power says so with the SLA <c>energy=renewable</c>, which the built-in
/// attribute policy enforces); it only scores. How much the preference weighs against the other
/// scorers is the operator's choice: <c>SlapOS:Master:Allocation:Weights:renewable_energy</c> (default 1, 0 turns it off).
/// </summary>
public sealed class RenewableEnergyPolicy(IOptions<RenewableEnergyOptions> options) : IAllocationPolicy
{
    /// <summary>The policy name, used for its weight and in explanations.</summary>
    public const string PolicyName = "renewable_energy";

    /// <inheritdoc />
    public string Name => PolicyName;

    /// <inheritdoc />
    public double? Score(AllocationContext context, AllocationCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var settings = options.Value;
        return candidate.Computer.Attributes.TryGetValue(settings.AttributeName, out var value)
            && string.Equals(value, settings.PreferredValue, StringComparison.OrdinalIgnoreCase)
                ? 1.0
                : 0.0;
    }
}
