namespace SlapOS.Slave.Processes;

/// <summary>The executables a profile put in a partition folder (<c>etc/service</c>, <c>etc/run</c>, <c>etc/promise</c>, <c>etc/report</c>).</summary>
internal static class PartitionExecutables
{
    public const string ServiceFolder = "etc/service";
    public const string RunFolder = "etc/run";
    public const string PromiseFolder = "etc/promise";
    public const string ReportFolder = "etc/report";

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The executable files of <paramref name="folder"/> under the partition, sorted by name; hidden files are ignored.</summary>
    public static IReadOnlyList<string> List(string partitionPath, string folder)
    {
        var directory = Path.Combine(partitionPath, folder);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var files = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (Path.GetFileName(file).StartsWith('.') || !IsExecutable(file))
            {
                continue;
            }

            files.Add(file);
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool IsExecutable(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        try
        {
            return (File.GetUnixFileMode(file) & AnyExecute) != 0;
        }
        catch (IOException)
        {
            // A dangling symlink, or a file removed meanwhile.
            return false;
        }
    }
}
