namespace SlapOS.Providers.Storage;

/// <summary>What an instance update compares to know which computers' change stamps move.</summary>
internal sealed class InstanceChangeRow
{
    public long TimestampUs { get; set; }

    public string RequestedState { get; set; } = "started";

    public string RootReference { get; set; } = string.Empty;

    public string? ComputerReference { get; set; }
}
