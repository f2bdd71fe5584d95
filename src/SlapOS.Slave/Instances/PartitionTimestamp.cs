using System.Globalization;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Instances;

/// <summary>
/// The partition's <c>.timestamp</c>: the master timestamp last applied successfully. Its modification
/// time is when that run ended, which bounds how long an unchanged partition is left alone.
/// </summary>
internal static class PartitionTimestamp
{
    /// <summary>Whether the partition already applied <paramref name="timestamp"/> less than <paramref name="maximumPeriodicity"/> ago.</summary>
    public static bool IsUpToDate(string partitionPath, InstanceTimestamp timestamp, DateTimeOffset now, TimeSpan maximumPeriodicity)
    {
        var file = Path.Combine(partitionPath, NodeLayout.TimestampFileName);
        if (Read(partitionPath) != timestamp)
        {
            return false;
        }

        var lastRun = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
        return now - lastRun < maximumPeriodicity;
    }

    /// <summary>The timestamp last applied, if the file exists and parses.</summary>
    public static InstanceTimestamp? Read(string partitionPath)
    {
        var file = Path.Combine(partitionPath, NodeLayout.TimestampFileName);
        string text;
        try
        {
            text = File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? InstanceTimestamp.Parse(text)
            : null;
    }

    /// <summary>
    /// Writes the timestamp atomically: a temporary file (flushed, dated <paramref name="now"/>) renamed
    /// over the old one, so a crash never leaves a half-written <c>.timestamp</c>.
    /// </summary>
    public static void Write(string partitionPath, InstanceTimestamp timestamp, DateTimeOffset now)
    {
        var file = Path.Combine(partitionPath, NodeLayout.TimestampFileName);
        var temporary = Path.Combine(partitionPath, NodeLayout.TimestampFileName + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(timestamp.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(temporary, now.UtcDateTime);
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>Forgets what was applied (the partition is destroyed).</summary>
    public static void Delete(string partitionPath) =>
        File.Delete(Path.Combine(partitionPath, NodeLayout.TimestampFileName));
}
