namespace SlapOS.Providers.Storage;

/// <summary>A <c>forwarded_instances</c> row.</summary>
internal sealed class ForwardedInstanceRow
{
    public string InstanceReference { get; set; } = "";
    public string MasterUrl { get; set; } = "";
    public string ExternalTitle { get; set; } = "";
    public string? ExternalReference { get; set; }
    public string? ExternalComputerReference { get; set; }
    public string? ExternalPartitionReference { get; set; }
    public long? SyncedAt { get; set; }
    public string? LastError { get; set; }

    public static ForwardedInstanceRow From(ForwardedInstance f) => new()
    {
        InstanceReference = f.InstanceReference,
        MasterUrl = f.MasterUrl,
        ExternalTitle = f.ExternalTitle,
        ExternalReference = f.ExternalReference,
        ExternalComputerReference = f.ExternalComputerReference,
        ExternalPartitionReference = f.ExternalPartitionReference,
        SyncedAt = StoreWords.Micros(f.SyncedAt),
        LastError = f.LastError,
    };

    public ForwardedInstance ToForwarded() => new()
    {
        InstanceReference = InstanceReference,
        MasterUrl = MasterUrl,
        ExternalTitle = ExternalTitle,
        ExternalReference = ExternalReference,
        ExternalComputerReference = ExternalComputerReference,
        ExternalPartitionReference = ExternalPartitionReference,
        SyncedAt = StoreWords.Time(SyncedAt),
        LastError = LastError,
    };
}
