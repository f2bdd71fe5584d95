namespace SlapOS.Master.Portal;

/// <summary>CPU seconds used per time bucket by one instance tree or one computer.</summary>
/// <param name="Name">The tree's root title or the computer's reference.</param>
/// <param name="CpuSeconds">CPU seconds per bucket, aligned with <see cref="PortalUsage.Buckets"/>.</param>
/// <param name="PeakMemoryBytes">The highest resident memory seen over the period.</param>
/// <param name="Records">How many usage records it sums.</param>
internal sealed record UsageSeries(string Name, IReadOnlyList<double> CpuSeconds, long PeakMemoryBytes, int Records)
{
    /// <summary>Resident memory per bucket, in bytes: each partition's peak in the bucket, summed over partitions.</summary>
    public IReadOnlyList<double> MemoryBytes { get; init; } = [];

    /// <summary>Disk used per bucket, in bytes: each partition's largest report in the bucket, summed over partitions.</summary>
    public IReadOnlyList<double> DiskBytes { get; init; } = [];

    /// <summary>The values a chart of <paramref name="metric"/> draws.</summary>
    public IReadOnlyList<double> Values(UsageMetric metric) => metric switch
    {
        UsageMetric.Memory => MemoryBytes,
        UsageMetric.Disk => DiskBytes,
        _ => CpuSeconds,
    };
}
