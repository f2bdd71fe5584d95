namespace SlapOS.Providers.Tests.Accounting;

/// <summary>
/// The contract of <see cref="IAccountingSink"/>, written against the interface only: whatever a sink
/// records can be read back by its own means (file, table, meter), and every record of every report
/// is there. Quantities are chosen so that every sink's units represent them exactly.
/// </summary>
public abstract class AccountingSinkConformanceTests : IDisposable
{
    protected AccountingSinkConformanceTests()
    {
        Root = Directory.CreateTempSubdirectory("slapos-accounting-").FullName;
    }

    protected string Root { get; }

    /// <summary>Creates the sink under test.</summary>
    protected abstract IAccountingSink CreateSink();

    /// <summary>What the sink recorded, as (computer, partition, CPU seconds, memory bytes, disk bytes).</summary>
    protected abstract Task<IReadOnlyList<RecordedUsage>> ReadRecordedAsync();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Recorded_usage_can_be_read_back()
    {
        var sink = CreateSink();

        await sink.RecordAsync(Report("COMP-A", Record("COMP-A", "slappart0", 42.5, 128), Record("COMP-A", "slappart1", 1.25, 64, disk: 2048)), CancellationToken.None);

        Assert.Equal(
            [new RecordedUsage("COMP-A", "slappart0", 42.5, 128 * MiB, 0), new RecordedUsage("COMP-A", "slappart1", 1.25, 64 * MiB, 2048 * MiB)],
            (await ReadRecordedAsync()).OrderBy(r => r.Computer + "/" + r.Partition, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reports_add_up()
    {
        var sink = CreateSink();

        await sink.RecordAsync(Report("COMP-A", Record("COMP-A", "slappart0", 1, 1)), CancellationToken.None);
        await sink.RecordAsync(Report("COMP-B", Record("COMP-B", "slappart0", 2, 2), Record("COMP-B", "slappart3", 3, 3)), CancellationToken.None);

        var recorded = await ReadRecordedAsync();
        Assert.Equal(3, recorded.Count);
        Assert.Equal(["COMP-A", "COMP-B", "COMP-B"], recorded.Select(r => r.Computer).Order(StringComparer.Ordinal));
        Assert.Equal(6, recorded.Sum(r => r.CpuSeconds));
    }

    [Fact]
    public async Task Concurrent_reports_are_all_recorded()
    {
        var sink = CreateSink();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => sink.RecordAsync(Report("COMP-C", Record("COMP-C", $"slappart{i}", i, 1)), CancellationToken.None))));

        var recorded = await ReadRecordedAsync();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"slappart{i}").Order(StringComparer.Ordinal), recorded.Select(r => r.Partition).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_empty_report_records_nothing()
    {
        var sink = CreateSink();

        await sink.RecordAsync(new UsageReport("COMP-E", []), CancellationToken.None);

        Assert.Empty(await ReadRecordedAsync());
    }

    protected const long MiB = 1024 * 1024;

    protected static readonly DateTimeOffset PeriodEnd = new(2026, 11, 24, 18, 41, 7, TimeSpan.Zero);

    protected static UsageReport Report(string computer, params UsageRecord[] records) => new(computer, records);

    protected static UsageRecord Record(string computer, string partition, double cpu, long memoryMiB, long disk = 0) => new()
    {
        ComputerReference = computer,
        PartitionReference = partition,
        InstanceReference = "SOFTINST-" + partition,
        Start = PeriodEnd.AddMinutes(-1),
        End = PeriodEnd,
        CpuSeconds = cpu,
        MemoryBytes = memoryMiB * MiB,
        DiskBytes = disk * MiB,
        ProcessCount = 2,
    };

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
