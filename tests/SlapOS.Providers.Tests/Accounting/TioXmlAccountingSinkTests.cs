using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using SlapOS.Providers.Accounting;
using SlapOS.Wire;

namespace SlapOS.Providers.Tests.Accounting;

/// <summary>The sink contract, run against the TioXML file sink, and the TioXML format itself.</summary>
public sealed class TioXmlAccountingSinkTests : AccountingSinkConformanceTests
{
    private string Directory => Path.Combine(Root, "tioxml");

    protected override IAccountingSink CreateSink() => new TioXmlAccountingSink(Directory, TimeProvider.System);

    protected override Task<IReadOnlyList<RecordedUsage>> ReadRecordedAsync()
    {
        var recorded = new List<RecordedUsage>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return Task.FromResult<IReadOnlyList<RecordedUsage>>(recorded);
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.xml"))
        {
            var journal = Parse(File.ReadAllText(file));
            var transaction = journal.Element("transaction")!;
            var computer = transaction.Element("reference")!.Value;
            foreach (var partition in transaction.Elements("movement").GroupBy(m => m.Element("reference")!.Value))
            {
                double Quantity(string category) =>
                    partition.Where(m => m.Element("category")!.Value == category).Sum(m => double.Parse(m.Element("quantity")!.Value, CultureInfo.InvariantCulture));
                recorded.Add(new RecordedUsage(computer, partition.Key, Quantity("cpu"), (long)(Quantity("memory") * MiB), (long)(Quantity("disk") * MiB)));
            }
        }

        return Task.FromResult<IReadOnlyList<RecordedUsage>>(recorded);
    }

    [Fact]
    public void TioXml_is_the_document_slapgrid_sends()
    {
        var captured = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Accounting", "Fixtures", "compute_node_usage.tioxml"));
        var report = new UsageReport("COMP-2", [Record("COMP-2", "slappart0", 42.42, 128)]);

        var written = TioXml.Write(report);

        Assert.Equal(captured, written);
    }

    [Fact]
    public void TioXml_validates_against_the_SlapOS_schema_and_escapes_text()
    {
        var report = new UsageReport("COMP-<&>", [Record("COMP-<&>", "slappart0", 1, 2, disk: 3), Record("COMP-<&>", "slappart1", 0, 0)]);

        var written = TioXml.Write(report, PeriodEnd);

        var schemas = new XmlSchemaSet();
        using (var xsd = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Accounting", "Fixtures", "computer_consumption.xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
        {
            schemas.Add(null, xsd);
        }

        var errors = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using (var reader = XmlReader.Create(new StringReader(written), settings))
        {
            while (reader.Read())
            {
            }
        }

        Assert.Empty(errors);
        var transaction = Parse(written).Element("transaction")!;
        Assert.Equal("COMP-<&>", transaction.Element("reference")!.Value);
        Assert.Equal("2026-11-24 at 18:41:07", transaction.Element("stop_date")!.Value);
        Assert.Equal(["cpu", "memory", "disk", "cpu", "memory"], transaction.Elements("movement").Select(m => m.Element("category")!.Value));
    }

    [Fact]
    public async Task Each_report_is_one_complete_file()
    {
        var sink = CreateSink();

        await sink.RecordAsync(Report("COMP-F", Record("COMP-F", "slappart0", 1, 1)), CancellationToken.None);
        await sink.RecordAsync(Report("COMP-F", Record("COMP-F", "slappart0", 1, 1)), CancellationToken.None);

        var files = System.IO.Directory.GetFiles(Directory);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.StartsWith("COMP-F-", Path.GetFileName(f), StringComparison.Ordinal));
        Assert.All(files, f => Assert.EndsWith(".xml", f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_computer_reference_that_escapes_the_directory_is_refused()
    {
        var sink = CreateSink();

        await Assert.ThrowsAsync<SlapValidationException>(() => sink.RecordAsync(Report("../COMP", Record("../COMP", "slappart0", 1, 1)), CancellationToken.None));
    }

    private static XElement Parse(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XElement.Load(reader);
    }
}
