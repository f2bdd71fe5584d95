using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace SlapOS.Master.Accounting;

/// <summary>
/// Reads the TioXML usage document a node sends (<c>slapos.post.v0.compute_node_usage</c>, as
/// slapgrid's <c>asXML()</c> writes it): one movement per partition and resource, categories
/// <c>cpu</c> (seconds), <c>memory</c> (MB), <c>disk</c> (MB) and <c>process</c>. The reader is safe:
/// no DTD, no external entity, bounded size.
/// </summary>
internal static class TioXmlUsageReader
{
    public const int MaxLength = 4 * 1024 * 1024;

    public static UsageReport Read(string computerReference, string tioXml, DateTimeOffset now)
    {
        if (tioXml.Length > MaxLength)
        {
            throw new SlapValidationException("tioxml", $"is larger than {MaxLength} characters");
        }

        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxLength };
            using var reader = XmlReader.Create(new StringReader(tioXml), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new SlapValidationException("tioxml", $"is not a usage document: {e.Message}");
        }

        if (document.Root?.Name.LocalName != "journal")
        {
            throw new SlapValidationException("tioxml", "must have a <journal> root");
        }

        var records = new Dictionary<string, UsageRecord>(StringComparer.Ordinal);
        foreach (var transaction in document.Root.Elements("transaction"))
        {
            var end = ParseDate(transaction.Element("stop_date")?.Value) ?? now;
            var start = ParseDate(transaction.Element("start_date")?.Value) ?? end;
            foreach (var movement in transaction.Elements("movement"))
            {
                var partition = SlapReference.Validate(movement.Element("reference")?.Value, "tioxml movement reference");
                if (!double.TryParse(movement.Element("quantity")?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var quantity) || quantity < 0 || !double.IsFinite(quantity))
                {
                    throw new SlapValidationException("tioxml", $"movement of '{partition}' has no valid quantity");
                }

                var record = records.GetValueOrDefault(partition) ?? new UsageRecord
                {
                    ComputerReference = computerReference,
                    PartitionReference = partition,
                    Start = start,
                    End = end,
                };
                records[partition] = (movement.Element("category")?.Value ?? string.Empty) switch
                {
                    "cpu" => record with { CpuSeconds = record.CpuSeconds + quantity },
                    "memory" => record with { MemoryBytes = record.MemoryBytes + (long)(quantity * 1024 * 1024) },
                    "disk" => record with { DiskBytes = record.DiskBytes + (long)(quantity * 1024 * 1024) },
                    "process" => record with { ProcessCount = record.ProcessCount + (int)quantity },
                    _ => record,
                };
            }
        }

        return new UsageReport(computerReference, records.Values.ToList());
    }

    private static DateTimeOffset? ParseDate(string? value) =>
        DateTime.TryParseExact(value, ["yyyy-MM-dd 'at' HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "o"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : null;
}
