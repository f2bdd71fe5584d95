using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SlapOS.Master.Telemetry;

/// <summary>The master's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>SlapOS.Master</c>.</summary>
internal sealed class MasterTelemetry : IDisposable
{
    public const string Name = "SlapOS.Master";

    private readonly Meter _meter;

    public MasterTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        Allocations = _meter.CreateCounter<long>("slapos.master.allocations", "{allocation}", "Partitions allocated to new instances.");
        RequestDuration = _meter.CreateHistogram<double>("slapos.master.request.duration", "s", "Time to serve one instance request.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public Counter<long> Allocations { get; }

    public Histogram<double> RequestDuration { get; }

    public void Dispose() => _meter.Dispose();
}
