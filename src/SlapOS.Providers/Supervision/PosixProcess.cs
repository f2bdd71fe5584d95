using System.Globalization;
using System.Runtime.InteropServices;

namespace SlapOS.Providers.Supervision;

/// <summary>The few POSIX calls .NET does not offer: signals to a process group, the effective user, user lookup.</summary>
internal static partial class PosixProcess
{
    public const int SignalKill = 9;
    public const int SignalTerm = 15;
    private const int ErrorPermission = 1;
    private static readonly Lock PasswdLock = new();

    /// <summary>Whether this host runs as root (and so may run programs as partition users).</summary>
    public static bool IsRoot => geteuid() == 0;

    /// <summary>Sends a signal to the process group led by <paramref name="processGroupId"/> and to the leader itself (it may not have called setsid yet).</summary>
    public static void SignalGroupAndLeader(int processGroupId, int signal)
    {
        _ = kill(-processGroupId, signal);
        _ = kill(processGroupId, signal);
    }

    /// <summary>Sends a signal to the members of a process group only.</summary>
    public static void SignalGroupOnly(int processGroupId, int signal) => _ = kill(-processGroupId, signal);

    /// <summary>
    /// Whether a live (not zombie) process is still in the group. Zombies are skipped: orphans are
    /// reaped by pid 1, which in containers may take seconds, and a zombie holds nothing.
    /// </summary>
    public static bool GroupExists(int processGroupId)
    {
        if (kill(-processGroupId, 0) != 0 && Marshal.GetLastPInvokeError() != ErrorPermission)
        {
            return false;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory.AsSpan());
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after the command name: state, ppid, pgrp, …
            var fields = stat.AsSpan(stat.LastIndexOf(')') + 2);
            var state = fields[0];
            fields = fields[(fields.IndexOf(' ') + 1)..];
            fields = fields[(fields.IndexOf(' ') + 1)..];
            var end = fields.IndexOf(' ');
            if (state is not ('Z' or 'X')
                && int.TryParse(end < 0 ? fields : fields[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
                && group == processGroupId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the start time of a process (clock ticks since boot, field 22 of <c>/proc/&lt;pid&gt;/stat</c>),
    /// which with the pid identifies a process across pid reuse. Null when the process is gone or a zombie.
    /// </summary>
    public static long? ReadStartTicks(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may hold spaces and parentheses: fields start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] is "Z" or "X")
        {
            return null;
        }

        return long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }

    /// <summary>Whether the process <paramref name="processId"/> that started at <paramref name="startTicks"/> is still alive.</summary>
    public static bool IsAlive(int processId, long startTicks) => ReadStartTicks(processId) == startTicks;

    /// <summary>The uid and primary gid of a user, through the system's user database (NSS).</summary>
    public static (uint UserId, uint GroupId)? LookupUser(string user)
    {
        lock (PasswdLock)
        {
            var entry = getpwnam(user);
            if (entry == IntPtr.Zero)
            {
                return null;
            }

            // struct passwd on 64-bit glibc: char* pw_name; char* pw_passwd; uid_t pw_uid; gid_t pw_gid; …
            var uid = (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
            var gid = (uint)Marshal.ReadInt32(entry, (2 * IntPtr.Size) + 4);
            return (uid, gid);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);
}
