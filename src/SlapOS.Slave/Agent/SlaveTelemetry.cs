using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SlapOS.Slave.Agent;

/// <summary>The node's traces and metrics, named <c>SlapOS.Slave</c>.</summary>
internal static class SlaveTelemetry
{
    public const string Name = "SlapOS.Slave";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Node runs, tagged by command and exit code.</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("slapos.slave.runs", description: "Node runs by command and exit code.");

    /// <summary>Partitions and releases processed, tagged by command and status.</summary>
    public static readonly Counter<long> Items = Meter.CreateCounter<long>("slapos.slave.items", description: "Partitions and releases processed by command and status.");

    /// <summary>Bangs sent after a watched service crashed.</summary>
    public static readonly Counter<long> CrashBangs = Meter.CreateCounter<long>("slapos.slave.crash_bangs", description: "Bangs sent after a watched service crashed.");
}
