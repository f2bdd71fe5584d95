using System.Runtime.InteropServices;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// Gives files to a partition's Unix user, so that processes the supervisor later runs as that
/// user can use them. Only meaningful when the node runs as root.
/// </summary>
internal sealed partial class FileOwner
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FileOwner> Owners = new(StringComparer.Ordinal);

    private FileOwner(string user, uint uid, uint gid)
    {
        User = user;
        Uid = uid;
        Gid = gid;
    }

    public string User { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    /// <summary>The owner for <paramref name="user"/>, or <see langword="null"/> when not root or no user.</summary>
    public static FileOwner? ForUser(string? user)
    {
        if (string.IsNullOrEmpty(user) || !OperatingSystem.IsLinux() || NativeMethods.geteuid() != 0)
        {
            return null;
        }

        return Owners.GetOrAdd(user, Lookup);
    }

    private static FileOwner Lookup(string user)
    {
        // getpwnam_r: deployments run in parallel, getpwnam's static buffer is not safe.
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; char *pw_gecos; char *pw_dir; char *pw_shell; }
        var entry = Marshal.AllocHGlobal(64);
        var buffer = Marshal.AllocHGlobal(16384);
        try
        {
            var error = NativeMethods.getpwnam_r(user, entry, buffer, 16384, out var result);
            if (error != 0 || result == IntPtr.Zero)
            {
                throw new BuildoutException($"The partition user '{user}' does not exist.");
            }

            var uid = (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
            var gid = (uint)Marshal.ReadInt32(entry, (2 * IntPtr.Size) + 4);
            return new FileOwner(user, uid, gid);
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
            Marshal.FreeHGlobal(entry);
        }
    }

    /// <summary>Owns <paramref name="path"/> (and, for a directory, everything under it).</summary>
    public void Own(string path)
    {
        if (Directory.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0)
        {
            Chown(path);
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }))
            {
                Chown(entry);
            }
        }
        else if (File.Exists(path) || Directory.Exists(path))
        {
            Chown(path);
        }
    }

    /// <summary>Owns <paramref name="path"/> only (not what a directory holds).</summary>
    public void OwnEntry(string path) => Chown(path);

    private void Chown(string path)
    {
        if (NativeMethods.lchown(path, Uid, Gid) != 0)
        {
            throw new BuildoutException($"Cannot give '{path}' to user '{User}' (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true)]
        internal static partial uint geteuid();

        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int getpwnam_r(string name, IntPtr entry, IntPtr buffer, nuint length, out IntPtr result);

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int lchown(string path, uint owner, uint group);
    }
}
