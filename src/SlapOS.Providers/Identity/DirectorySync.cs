using System.Runtime.InteropServices;

namespace SlapOS.Providers.Identity;

/// <summary>
/// fsync of a directory, so that a rename into it survives a power loss (.NET flushes files, not
/// directories). Best effort: where it is not available (Windows) the rename is still atomic.
/// </summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = NativeMethods.open(directory, 0);
        if (descriptor < 0)
        {
            return;
        }

        _ = NativeMethods.fsync(descriptor);
        _ = NativeMethods.close(descriptor);
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int open(string path, int flags);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int fsync(int descriptor);

        [LibraryImport("libc", SetLastError = true)]
        internal static partial int close(int descriptor);
    }
}
