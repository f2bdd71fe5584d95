using System.Globalization;
using System.Text;
using System.Xml;

namespace SlapOS.Wire;

/// <summary>
/// Writes usage in TioXML, the document SlapOS billing reads (<c>computer_consumption.xsd</c>), as
/// slapgrid's <c>asXML()</c> does: one <c>transaction</c> for the computer, one <c>movement</c> per
/// partition and resource — CPU time in seconds, memory and disk in MB (disk only when measured).
/// The one writer: the accounting sink files it, the node posts it to the master.
/// </summary>
public static class TioXml
{
    private const double BytesPerMegabyte = 1024 * 1024;

    /// <summary>The TioXML document of <paramref name="report"/>, byte for byte as slapgrid writes it.</summary>
    /// <param name="report">The usage to write.</param>
    /// <param name="stopDate">The <c>stop_date</c>; by default the latest end of the records (or now when there are none).</param>
    public static string Write(UsageReport report, DateTimeOffset? stopDate = null) => Write(report, stopDate, withPeriodAndProcesses: false);

    /// <summary>
    /// The document a node posts to the master (<c>useComputer</c>, <c>compute_node_usage</c>): slapgrid's, plus
    /// the <c>start_date</c> of the period and a <c>process</c> movement per partition, which a SlapOS master ignores
    /// and this one keeps.
    /// </summary>
    /// <param name="report">The usage to write.</param>
    public static string WriteForMaster(UsageReport report) => Write(report, null, withPeriodAndProcesses: true);

    private static string Write(UsageReport report, DateTimeOffset? stopDate, bool withPeriodAndProcesses)
    {
        ArgumentNullException.ThrowIfNull(report);
        var stop = stopDate ?? (report.Records.Count > 0 ? report.Records.Max(r => r.End) : DateTimeOffset.UtcNow);
        var start = withPeriodAndProcesses && report.Records.Count > 0 ? Date(report.Records.Min(r => r.Start)) : string.Empty;
        var text = new StringBuilder("<?xml version=\"1.0\"?>");
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, ConformanceLevel = ConformanceLevel.Fragment }))
        {
            xml.WriteStartElement("journal");
            xml.WriteStartElement("transaction");
            xml.WriteAttributeString("type", "Sale Packing List");
            Element(xml, "title", "Resource consumptions");
            Element(xml, "start_date", start);
            Element(xml, "stop_date", Date(stop));
            Element(xml, "reference", report.ComputerReference);
            Element(xml, "currency", string.Empty);
            Element(xml, "payment_mode", string.Empty);
            Element(xml, "category", string.Empty);
            xml.WriteStartElement("arrow");
            xml.WriteAttributeString("type", "Administration");
            Element(xml, "source", string.Empty);
            Element(xml, "destination", string.Empty);
            xml.WriteEndElement();
            foreach (var record in report.Records)
            {
                Movement(xml, "CPU Consumption", "CPU consumption of the partition", record.PartitionReference, record.CpuSeconds, "cpu");
                Movement(xml, "Memory consumption", "Memory consumption of the partition", record.PartitionReference, record.MemoryBytes / BytesPerMegabyte, "memory");
                if (record.DiskBytes > 0)
                {
                    Movement(xml, "Disk consumption", "Disk consumption of the partition", record.PartitionReference, record.DiskBytes / BytesPerMegabyte, "disk");
                }

                if (withPeriodAndProcesses)
                {
                    Movement(xml, "Process consumption", "Processes of the partition", record.PartitionReference, record.ProcessCount, "process");
                }
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return text.ToString();
    }

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd 'at' HH:mm:ss", CultureInfo.InvariantCulture);

    // Empty elements as <a></a>, like slapgrid writes them.
    private static void Element(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement(name);
        xml.WriteString(value);
        xml.WriteFullEndElement();
    }

    private static void Movement(XmlWriter xml, string resource, string title, string partition, double quantity, string category)
    {
        xml.WriteStartElement("movement");
        Element(xml, "resource", resource);
        Element(xml, "title", title);
        Element(xml, "reference", partition);
        Element(xml, "quantity", quantity.ToString("0.0#########", CultureInfo.InvariantCulture));
        Element(xml, "price", "0.00");
        Element(xml, "VAT", "None");
        Element(xml, "category", category);
        xml.WriteEndElement();
    }
}
