namespace SlapOS.Providers.Storage;

/// <summary>A <c>usage_records</c> row.</summary>
internal sealed class UsageRow
{
    public string ComputerReference { get; set; } = "";
    public string PartitionReference { get; set; } = "";
    public string? InstanceReference { get; set; }
    public long PeriodStart { get; set; }
    public long PeriodEnd { get; set; }
    public double CpuSeconds { get; set; }
    public long MemoryBytes { get; set; }
    public long DiskBytes { get; set; }
    public long ProcessCount { get; set; }

    public static UsageRow From(UsageRecord r) => new()
    {
        ComputerReference = r.ComputerReference,
        PartitionReference = r.PartitionReference,
        InstanceReference = r.InstanceReference,
        PeriodStart = StoreWords.Micros(r.Start),
        PeriodEnd = StoreWords.Micros(r.End),
        CpuSeconds = r.CpuSeconds,
        MemoryBytes = r.MemoryBytes,
        DiskBytes = r.DiskBytes,
        ProcessCount = r.ProcessCount,
    };

    public UsageRecord ToRecord() => new()
    {
        ComputerReference = ComputerReference,
        PartitionReference = PartitionReference,
        InstanceReference = InstanceReference,
        Start = StoreWords.Time(PeriodStart)!.Value,
        End = StoreWords.Time(PeriodEnd)!.Value,
        CpuSeconds = CpuSeconds,
        MemoryBytes = MemoryBytes,
        DiskBytes = DiskBytes,
        ProcessCount = (int)ProcessCount,
    };
}
