using System.Text.Json;

namespace SlapOS.Providers.Accounting;

/// <summary>
/// Appends one JSON object per usage record to a file (JSON lines, camelCase names), flushed to
/// disk after each report. Reports are written one at a time, so lines never interleave.
/// </summary>
internal sealed class JsonLinesAccountingSink(string path) : IAccountingSink, IDisposable
{
    /// <summary>The JSON form of records in the file.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task RecordAsync(UsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Records.Count == 0)
        {
            return;
        }

        using var buffer = new MemoryStream();
        foreach (var record in report.Records)
        {
            JsonSerializer.Serialize(buffer, record, JsonOptions);
            buffer.WriteByte((byte)'\n');
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
            buffer.Position = 0;
            await buffer.CopyToAsync(stream, CancellationToken.None);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
