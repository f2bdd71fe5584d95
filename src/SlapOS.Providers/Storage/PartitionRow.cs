namespace SlapOS.Providers.Storage;

/// <summary>A <c>partitions</c> row.</summary>
internal sealed class PartitionRow
{
    public string ComputerReference { get; set; } = "";
    public string Reference { get; set; } = "";
    public string Addresses { get; set; } = "[]";
    public string? Tap { get; set; }
    public string State { get; set; } = "free";
    public string? InstanceReference { get; set; }
    public long Version { get; set; }

    public ComputerPartition ToPartition() => new()
    {
        ComputerReference = ComputerReference,
        Reference = Reference,
        Addresses = StoreJson.Read<List<PartitionAddress>>(Addresses) ?? [],
        Tap = StoreJson.Read<PartitionTap>(Tap),
        State = State == "busy" ? PartitionState.Busy : PartitionState.Free,
        InstanceReference = InstanceReference,
        Version = Version,
    };
}
