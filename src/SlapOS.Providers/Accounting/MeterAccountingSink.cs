using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SlapOS.Providers.Accounting;

/// <summary>
/// Publishes usage as metrics of the <c>SlapOS.Accounting</c> meter, for OpenTelemetry: a counter
/// of CPU seconds and gauges of memory, disk and processes, tagged by computer, partition and instance.
/// </summary>
internal sealed class MeterAccountingSink : IAccountingSink, IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SlapOS.Accounting";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<double> cpu;
    private readonly Gauge<long> memory;
    private readonly Gauge<long> disk;
    private readonly Gauge<int> processes;
    private readonly Counter<long> reports;

    public MeterAccountingSink(IMeterFactory? meterFactory = null)
    {
        ownsMeter = meterFactory is null;
        meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        cpu = meter.CreateCounter<double>("slapos.accounting.cpu.time", "s", "CPU time used by partitions");
        memory = meter.CreateGauge<long>("slapos.accounting.memory.usage", "By", "Peak resident memory of a partition over the last period");
        disk = meter.CreateGauge<long>("slapos.accounting.disk.usage", "By", "Disk used by a partition directory");
        processes = meter.CreateGauge<int>("slapos.accounting.process.count", "{process}", "Processes running in a partition");
        reports = meter.CreateCounter<long>("slapos.accounting.reports", "{report}", "Usage reports received");
    }

    public Task RecordAsync(UsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        cancellationToken.ThrowIfCancellationRequested();
        reports.Add(1, new KeyValuePair<string, object?>("slapos.computer", report.ComputerReference));
        foreach (var record in report.Records)
        {
            var tags = new TagList
            {
                { "slapos.computer", record.ComputerReference },
                { "slapos.partition", record.PartitionReference },
                { "slapos.instance", record.InstanceReference },
            };
            cpu.Add(record.CpuSeconds, tags);
            memory.Record(record.MemoryBytes, tags);
            disk.Record(record.DiskBytes, tags);
            processes.Record(record.ProcessCount, tags);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
