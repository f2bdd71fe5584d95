using System.Text.Json;
using SlapOS.Providers.Accounting;

namespace SlapOS.Providers.Tests.Accounting;

/// <summary>The sink contract, run against the JSON-lines file sink, and its file format.</summary>
public sealed class JsonLinesAccountingSinkTests : AccountingSinkConformanceTests
{
    private string File => Path.Combine(Root, "usage", "usage.jsonl");

    protected override IAccountingSink CreateSink() => new JsonLinesAccountingSink(File);

    protected override async Task<IReadOnlyList<RecordedUsage>> ReadRecordedAsync() =>
        [.. (await ReadRecordsAsync()).Select(r => new RecordedUsage(r.ComputerReference, r.PartitionReference, r.CpuSeconds, r.MemoryBytes, r.DiskBytes))];

    [Fact]
    public async Task Every_record_is_one_line_that_deserializes_back_to_it()
    {
        using var sink = new JsonLinesAccountingSink(File);
        var records = new[] { Record("COMP-J", "slappart0", 0.5, 3), Record("COMP-J", "slappart1", 7, 9, disk: 1) with { InstanceReference = null } };

        await sink.RecordAsync(new UsageReport("COMP-J", records), CancellationToken.None);

        var lines = await System.IO.File.ReadAllLinesAsync(File);
        Assert.Equal(2, lines.Length);
        Assert.Equal(records, await ReadRecordsAsync());
        Assert.Contains("\"partitionReference\":\"slappart0\"", lines[0], StringComparison.Ordinal);
    }

    private async Task<List<UsageRecord>> ReadRecordsAsync()
    {
        if (!System.IO.File.Exists(File))
        {
            return [];
        }

        var lines = await System.IO.File.ReadAllLinesAsync(File);
        return [.. lines.Select(l => JsonSerializer.Deserialize<UsageRecord>(l, JsonLinesAccountingSink.JsonOptions)!)];
    }
}
