using System.Globalization;
using System.Security;
using System.Text;

namespace SlapOS.Slave;

/// <summary>
/// The TioXML journal slapgrid sends to <c>useComputer</c>: one "Sale Packing List" transaction per
/// computer, one movement per partition and resource (CPU seconds, memory and disk in MB, processes).
/// </summary>
internal static class UsageTioXml
{
    public static string Write(UsageReport report)
    {
        var start = report.Records.Count == 0 ? (DateTimeOffset?)null : report.Records.Min(r => r.Start);
        var stop = report.Records.Count == 0 ? (DateTimeOffset?)null : report.Records.Max(r => r.End);
        var sb = new StringBuilder("<?xml version=\"1.0\"?><journal><transaction type=\"Sale Packing List\"><title>Resource consumptions</title>");
        sb.Append("<start_date>").Append(Date(start)).Append("</start_date><stop_date>").Append(Date(stop)).Append("</stop_date>");
        sb.Append("<reference>").Append(Escape(report.ComputerReference)).Append("</reference>");
        sb.Append("<currency></currency><payment_mode></payment_mode><category></category><arrow type=\"Administration\"><source></source><destination></destination></arrow>");
        foreach (var record in report.Records)
        {
            Movement(sb, record, "CPU Consumption", "CPU consumption of the partition", record.CpuSeconds, "cpu");
            Movement(sb, record, "Memory consumption", "Memory consumption of the partition", record.MemoryBytes / 1048576.0, "memory");
            Movement(sb, record, "Disk consumption", "Disk consumption of the partition", record.DiskBytes / 1048576.0, "disk");
            Movement(sb, record, "Process consumption", "Processes of the partition", record.ProcessCount, "process");
        }

        return sb.Append("</transaction></journal>").ToString();
    }

    private static void Movement(StringBuilder sb, UsageRecord record, string resource, string title, double quantity, string category)
    {
        sb.Append("<movement><resource>").Append(resource).Append("</resource><title>").Append(title).Append("</title>")
            .Append("<reference>").Append(Escape(record.PartitionReference)).Append("</reference>")
            .Append("<quantity>").Append(quantity.ToString("0.0##", CultureInfo.InvariantCulture)).Append("</quantity>")
            .Append("<price>0.00</price><VAT>None</VAT><category>").Append(category).Append("</category></movement>");
    }

    private static string Date(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd 'at' HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Escape(string text) => SecurityElement.Escape(text);
}
