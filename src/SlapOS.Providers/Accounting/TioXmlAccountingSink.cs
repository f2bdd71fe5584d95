using System.Globalization;
using System.Text;
using SlapOS.Wire;

namespace SlapOS.Providers.Accounting;

/// <summary>
/// Writes each usage report as a TioXML file in a directory
/// (<c>&lt;computer&gt;-&lt;utc time&gt;-&lt;id&gt;.xml</c>), written to a temporary name,
/// flushed to disk, then renamed, so a reader never sees half a file.
/// </summary>
internal sealed class TioXmlAccountingSink(string directory, TimeProvider time) : IAccountingSink
{
    public async Task RecordAsync(UsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        SlapReference.Validate(report.ComputerReference, "computer_reference");
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(directory);
        var name = string.Create(CultureInfo.InvariantCulture, $"{report.ComputerReference}-{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.xml");
        var path = Path.Combine(directory, name);
        var temporary = path + ".tmp";
        var bytes = Encoding.UTF8.GetBytes(TioXml.Write(report));
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path);
    }
}
