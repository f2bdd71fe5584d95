using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SlapOS.Providers.Accounting;

namespace SlapOS.Providers.Tests.Accounting;

/// <summary>The sink contract, run against the meter sink (observed through a private meter factory).</summary>
public sealed class MeterAccountingSinkTests : AccountingSinkConformanceTests
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<double> cpu;
    private readonly MetricCollector<long> memory;
    private readonly MetricCollector<long> disk;

    public MeterAccountingSinkTests()
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        cpu = new MetricCollector<double>(factory, MeterAccountingSink.MeterName, "slapos.accounting.cpu.time");
        memory = new MetricCollector<long>(factory, MeterAccountingSink.MeterName, "slapos.accounting.memory.usage");
        disk = new MetricCollector<long>(factory, MeterAccountingSink.MeterName, "slapos.accounting.disk.usage");
    }

    protected override IAccountingSink CreateSink() => new MeterAccountingSink(services.GetRequiredService<IMeterFactory>());

    protected override Task<IReadOnlyList<RecordedUsage>> ReadRecordedAsync()
    {
        var cpuPoints = cpu.GetMeasurementSnapshot();
        var memoryPoints = memory.GetMeasurementSnapshot();
        var diskPoints = disk.GetMeasurementSnapshot();
        IReadOnlyList<RecordedUsage> recorded = [.. cpuPoints.Select((point, i) => new RecordedUsage(
            (string)point.Tags["slapos.computer"]!,
            (string)point.Tags["slapos.partition"]!,
            point.Value,
            memoryPoints[i].Value,
            diskPoints[i].Value))];
        return Task.FromResult(recorded);
    }

    [Fact]
    public async Task Measurements_carry_the_partition_and_instance_tags_and_units()
    {
        var sink = CreateSink();

        await sink.RecordAsync(Report("COMP-M", Record("COMP-M", "slappart4", 2.5, 8)), CancellationToken.None);

        var point = Assert.Single(cpu.GetMeasurementSnapshot());
        Assert.Equal(2.5, point.Value);
        Assert.Equal("SOFTINST-slappart4", point.Tags["slapos.instance"]);
        Assert.Equal("s", cpu.Instrument!.Unit);
        Assert.Equal("By", memory.Instrument!.Unit);
        Assert.Equal(8 * MiB, memory.LastMeasurement!.Value);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            cpu.Dispose();
            memory.Dispose();
            disk.Dispose();
            services.Dispose();
        }

        base.Dispose(disposing);
    }
}
