namespace SlapOS.Providers.Storage;

/// <summary>A row of the <c>computer.capacity</c> aggregate: a computer's counters and its reserved partitions.</summary>
internal sealed class CapacityRow
{
    public string Reference { get; set; } = "";
    public string? Title { get; set; }
    public string? OwnerReference { get; set; }
    public long AllocationOpen { get; set; } = 1;
    public long? LastContact { get; set; }
    public long FreePartitions { get; set; }
    public long TotalPartitions { get; set; }
    public long ReservedPartitions { get; set; }

    public ComputerCapacity ToCapacity() => new()
    {
        ComputerReference = Reference,
        Title = Title,
        OwnerReference = OwnerReference,
        AllocationOpen = AllocationOpen != 0,
        LastContact = StoreWords.Time(LastContact),
        FreePartitions = (int)FreePartitions,
        TotalPartitions = (int)TotalPartitions,
        ReservedPartitions = (int)ReservedPartitions,
    };
}
