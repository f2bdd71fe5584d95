using System.Globalization;

namespace SlapOS.Slave.Usage;

/// <summary>
/// A snapshot of <c>/proc</c>: every process with its parent and CPU ticks, read once per report run
/// so measuring many partitions costs one scan. Measures the trees rooted at a partition's programs.
/// </summary>
internal sealed class ProcessTable
{
    // USER_HZ: the unit of /proc/<pid>/stat CPU times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly string _procRoot;
    private readonly Dictionary<int, Entry> _entries = [];
    private readonly Dictionary<int, List<int>> _children = [];

    private ProcessTable(string procRoot) => _procRoot = procRoot;

    /// <summary>Reads every process of <paramref name="procRoot"/> (empty where there is no <c>/proc</c>).</summary>
    public static ProcessTable Snapshot(string procRoot = "/proc")
    {
        var table = new ProcessTable(procRoot);
        if (!Directory.Exists(procRoot))
        {
            return table;
        }

        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || TryReadStat(directory) is not { } entry)
            {
                continue;
            }

            table._entries[pid] = entry;
            if (!table._children.TryGetValue(entry.ParentId, out var siblings))
            {
                table._children[entry.ParentId] = siblings = [];
            }

            siblings.Add(pid);
        }

        return table;
    }

    /// <summary>The processes <paramref name="rootIds"/> that exist and all their descendants.</summary>
    public IReadOnlyList<int> Tree(IEnumerable<int> rootIds)
    {
        var seen = new List<int>();
        var visited = new HashSet<int>();
        var pending = new Stack<int>(rootIds.Where(_entries.ContainsKey));
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!visited.Add(pid))
            {
                continue;
            }

            seen.Add(pid);
            if (_children.TryGetValue(pid, out var children))
            {
                foreach (var child in children)
                {
                    pending.Push(child);
                }
            }
        }

        return seen;
    }

    /// <summary>The usage of the processes <paramref name="rootIds"/> and all their descendants.</summary>
    public ProcessUsage Measure(IEnumerable<int> rootIds)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<int>(rootIds.Where(_entries.ContainsKey));
        long ticks = 0;
        long memory = 0;
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!seen.Add(pid))
            {
                continue;
            }

            ticks += _entries[pid].CpuTicks;
            memory += ReadResidentBytes(pid);
            if (_children.TryGetValue(pid, out var children))
            {
                foreach (var child in children)
                {
                    pending.Push(child);
                }
            }
        }

        return new ProcessUsage(ticks / TicksPerSecond, memory, seen.Count);
    }

    private long ReadResidentBytes(int pid)
    {
        try
        {
            // statm: size resident shared text lib data dt, in pages.
            var fields = File.ReadAllText(Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture), "statm")).Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
                ? pages * Environment.SystemPageSize
                : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static Entry? TryReadStat(string directory)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(directory, "stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process exited meanwhile.
            return null;
        }

        // The command name is in parentheses and may hold spaces: fields start after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
        if (fields.Length < 15
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
        {
            return null;
        }

        long ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            if (long.TryParse(fields[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                ticks += value;
            }
        }

        return new Entry(parent, ticks);
    }

    private sealed record Entry(int ParentId, long CpuTicks);
}
