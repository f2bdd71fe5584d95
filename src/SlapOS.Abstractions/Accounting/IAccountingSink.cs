namespace SlapOS;

/// <summary>Receives usage reports (several sinks may be registered at once).</summary>
public interface IAccountingSink
{
    /// <summary>Records one computer's usage document.</summary>
    Task RecordAsync(UsageReport report, CancellationToken cancellationToken);
}
