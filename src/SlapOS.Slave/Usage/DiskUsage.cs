namespace SlapOS.Slave.Usage;

/// <summary>Bytes used under a partition directory: file sizes, not following symbolic links.</summary>
internal static class DiskUsage
{
    private static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    public static long Measure(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", Walk))
        {
            total += file.Length;
        }

        return total;
    }
}
