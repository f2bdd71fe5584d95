using System.Runtime.InteropServices;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// Gives files to a partition's Unix user, so that processes the supervisor later runs as that
/// user can use them. Only meaningful when the node runs as root.
/// </summary>
internal sealed partial class FileOwner
{
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

        var entry = NativeMethods.getpwnam(user);
        if (entry == IntPtr.Zero)
        {
            throw new BuildoutException($"The partition user '{user}' does not exist.");
        }

        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        var uid = (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
        var gid = (uint)Marshal.ReadInt32(entry, (2 * IntPtr.Size) + 4);
        return new FileOwner(user, uid, gid);
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

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr getpwnam(string name);

        [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int lchown(string path, uint owner, uint group);
    }
}
