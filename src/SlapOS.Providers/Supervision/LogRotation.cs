namespace SlapOS.Providers.Supervision;

/// <summary>
/// Size-based rotation by copy and truncate: the program keeps its log file open in append mode,
/// so after truncation it goes on writing at the start of the same file.
/// </summary>
internal static class LogRotation
{
    public static void RotateIfLarger(string file, long maxBytes, int backups)
    {
        var info = new FileInfo(file);
        if (!info.Exists || info.Length <= maxBytes)
        {
            return;
        }

        if (backups > 0)
        {
            File.Delete($"{file}.{backups}");
            for (var i = backups - 1; i >= 1; i--)
            {
                if (File.Exists($"{file}.{i}"))
                {
                    File.Move($"{file}.{i}", $"{file}.{i + 1}");
                }
            }

            File.Copy(file, $"{file}.1", overwrite: true);
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }
}
