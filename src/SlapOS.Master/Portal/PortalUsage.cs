namespace SlapOS.Master.Portal;

/// <summary>Usage over a period, bucketed, per instance tree and per computer.</summary>
/// <param name="Start">Start of the period.</param>
/// <param name="End">End of the period.</param>
/// <param name="Buckets">The start of each bucket.</param>
/// <param name="ByTree">One series per instance tree.</param>
/// <param name="ByComputer">One series per computer.</param>
internal sealed record PortalUsage(
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<DateTimeOffset> Buckets,
    IReadOnlyList<UsageSeries> ByTree,
    IReadOnlyList<UsageSeries> ByComputer);
