using System.Diagnostics;

namespace SlapOS.Integration.Tests.Faults;

/// <summary>
/// A small tmpfs mounted on a fresh directory (root only: CI runs the fault tests as root), so that a test can
/// fill a real file system to the last byte and free it again. Unmounted and removed on dispose.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Bytes that can still be written (0 when full).</summary>
    public long AvailableBytes => new DriveInfo(Path).AvailableFreeSpace;

    private string FillerPath => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB on a new directory named after <paramref name="prefix"/>.</summary>
    public static TmpfsMount Create(string prefix, int megabytes)
    {
        Assert.True(Environment.UserName == "root", "The full-disk fault tests mount a tmpfs: run them as root (CI does).");
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        Run("mount", "-t", "tmpfs", "-o", FormattableString.Invariant($"size={megabytes}m,mode=0755"), "tmpfs", directory);
        return new TmpfsMount(directory);
    }

    /// <summary>
    /// Writes a filler file until the file system refuses a byte more; answers the error the file system gave,
    /// which proves it is full (ENOSPC, "No space left on device").
    /// </summary>
    public IOException Fill()
    {
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[64 * 1024];
        var size = block.Length;
        while (true)
        {
            try
            {
                filler.Write(block, 0, size);
                filler.Flush();
            }
            catch (IOException) when (size > 1)
            {
                size = Math.Max(1, size / 16);
            }
            catch (IOException e)
            {
                return e;
            }
        }
    }

    /// <summary>Removes the filler file: the space is back.</summary>
    public void Free() => File.Delete(FillerPath);

    public void Dispose()
    {
        // Lazy: a process still holding a file there (a pooled SQLite connection) must not keep the mount.
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: false);
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}
