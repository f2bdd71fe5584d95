namespace SlapOS.Providers.Storage;

/// <summary>An <c>instances</c> row.</summary>
internal sealed class InstanceRow
{
    public string Reference { get; set; } = "";
    public string Title { get; set; } = "";
    public string RequesterReference { get; set; } = "";
    public string RootReference { get; set; } = "";
    public string SoftwareReleaseUrl { get; set; } = "";
    public string SoftwareType { get; set; } = "";
    public string Parameters { get; set; } = "{}";
    public string Sla { get; set; } = "{}";
    public string RequestedState { get; set; } = "started";
    public long Shared { get; set; }
    public string? ComputerReference { get; set; }
    public string? PartitionReference { get; set; }
    public string? HostInstanceReference { get; set; }
    public string ConnectionParameters { get; set; } = "{}";
    public long TimestampUs { get; set; }
    public string ReportedState { get; set; } = "none";
    public string? ErrorMessage { get; set; }
    public long? ReportedAt { get; set; }
    public long Version { get; set; }
    public string? TraceParent { get; set; }

    public static InstanceRow From(SoftwareInstance i) => new()
    {
        Reference = i.Reference,
        Title = i.Title,
        RequesterReference = i.RequesterReference,
        RootReference = i.RootReference,
        SoftwareReleaseUrl = i.SoftwareReleaseUrl,
        SoftwareType = i.SoftwareType,
        Parameters = StoreJson.Write(i.Parameters),
        Sla = StoreJson.Write(i.Sla),
        RequestedState = i.RequestedState.ToWire(),
        Shared = i.Shared ? 1 : 0,
        ComputerReference = i.ComputerReference,
        PartitionReference = i.PartitionReference,
        HostInstanceReference = i.HostInstanceReference,
        ConnectionParameters = StoreJson.Write(i.ConnectionParameters),
        TimestampUs = i.Timestamp.Microseconds,
        ReportedState = i.ReportedState.ToWire(),
        ErrorMessage = i.ErrorMessage,
        ReportedAt = StoreWords.Micros(i.ReportedAt),
        Version = i.Version,
        TraceParent = i.TraceParent,
    };

    public SoftwareInstance ToInstance() => new()
    {
        Reference = Reference,
        Title = Title,
        RequesterReference = RequesterReference,
        RootReference = RootReference,
        SoftwareReleaseUrl = SoftwareReleaseUrl,
        SoftwareType = SoftwareType,
        Parameters = StoreJson.ReadDictionary(Parameters),
        Sla = StoreJson.ReadDictionary(Sla),
        RequestedState = SlapStates.ParseRequestedState(RequestedState),
        Shared = Shared != 0,
        ComputerReference = ComputerReference,
        PartitionReference = PartitionReference,
        HostInstanceReference = HostInstanceReference,
        ConnectionParameters = StoreJson.ReadDictionary(ConnectionParameters),
        Timestamp = new InstanceTimestamp(TimestampUs),
        ReportedState = SlapStates.ReportedStateOf(ReportedState),
        ErrorMessage = ErrorMessage,
        ReportedAt = StoreWords.Time(ReportedAt),
        Version = Version,
        TraceParent = TraceParent,
    };
}
