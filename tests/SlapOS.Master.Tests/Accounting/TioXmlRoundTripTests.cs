using SlapOS.Master.Accounting;
using SlapOS.Wire;

namespace SlapOS.Master.Tests.Accounting;

/// <summary>
/// The node's usage document, written by the one TioXML writer, read back by the master. The node and the
/// accounting sink used to write TioXML each their own way (the node with processes and the period start,
/// the sink without); both are now <see cref="TioXml"/>.
/// </summary>
public sealed class TioXmlRoundTripTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void What_a_node_posts_the_master_reads_back_whole()
    {
        var report = new UsageReport("COMP-<&>", [
            new UsageRecord { ComputerReference = "COMP-<&>", PartitionReference = "slappart0", Start = Start, End = Start.AddMinutes(5), CpuSeconds = 42.42, MemoryBytes = 128L << 20, DiskBytes = 3L << 20, ProcessCount = 3 },
            new UsageRecord { ComputerReference = "COMP-<&>", PartitionReference = "slappart1", Start = Start, End = Start.AddMinutes(5), CpuSeconds = 0.5, MemoryBytes = 1L << 20, ProcessCount = 1 },
        ]);

        var read = TioXmlUsageReader.Read("COMP-<&>", TioXml.WriteForMaster(report), Start.AddDays(1));

        Assert.Equal(
            [("slappart0", 42.42, 128L << 20, 3L << 20, 3, Start, Start.AddMinutes(5)), ("slappart1", 0.5, 1L << 20, 0L, 1, Start, Start.AddMinutes(5))],
            read.Records.OrderBy(r => r.PartitionReference, StringComparer.Ordinal).Select(r => (r.PartitionReference, r.CpuSeconds, r.MemoryBytes, r.DiskBytes, r.ProcessCount, r.Start, r.End)));
    }

    [Fact]
    public void The_slapgrid_document_has_no_period_start_and_no_processes()
    {
        var report = new UsageReport("COMP-2", [new UsageRecord { ComputerReference = "COMP-2", PartitionReference = "slappart0", Start = Start, End = Start.AddMinutes(5), CpuSeconds = 1, ProcessCount = 3 }]);

        var written = TioXml.Write(report);

        Assert.Contains("<start_date></start_date>", written, StringComparison.Ordinal);
        Assert.DoesNotContain("process", written, StringComparison.Ordinal);
        Assert.Contains("<start_date>2026-11-24 at 18:00:00</start_date>", TioXml.WriteForMaster(report), StringComparison.Ordinal);
    }
}
