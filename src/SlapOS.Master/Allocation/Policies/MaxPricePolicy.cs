using System.Globalization;

namespace SlapOS.Master.Allocation.Policies;

/// <summary>
/// <c>max_price</c>: keeps computers whose <c>price</c> attribute is at most the SLA ceiling (a computer
/// without a price costs nothing) and, when a ceiling is given, scores the cheapest first.
/// </summary>
internal sealed class MaxPricePolicy : IAllocationPolicy, IAllocationPreflight
{
    public string Name => SlaKeys.MaxPrice;

    public void Check(AllocationContext context, IReadOnlyList<AllocationCandidate> allComputers) => Ceiling(context);

    public IReadOnlyList<AllocationCandidate> Filter(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates) =>
        Ceiling(context) is { } ceiling ? [.. candidates.Where(c => PriceOf(c) <= ceiling)] : candidates;

    public double? Score(AllocationContext context, AllocationCandidate candidate) =>
        context.Sla(SlaKeys.MaxPrice) is null ? null : -(double)PriceOf(candidate);

    private static decimal? Ceiling(AllocationContext context)
    {
        if (context.Sla(SlaKeys.MaxPrice) is not { } text)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new SlapValidationException("sla.max_price", $"'{text}' is not a non-negative number");
    }

    private static decimal PriceOf(AllocationCandidate candidate) =>
        candidate.Computer.Attributes.TryGetValue(Computer.PriceAttribute, out var text)
        && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var price)
            ? price
            : 0m;
}
