using System.Diagnostics;
using System.Globalization;

namespace SlapOS.Testing;

/// <summary>Looks at processes through /proc, independently of any supervisor.</summary>
public static class ProcessProbe
{
    /// <summary>Whether the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Live processes whose command line mentions <paramref name="marker"/> (e.g. a test's temp dir).</summary>
    public static List<int> WithCommandLineContaining(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return found;
    }

    /// <summary>
    /// Like <see cref="WithCommandLineContaining"/>, without the processes whose parent also matches:
    /// a shell forks before it execs a command, and for that instant the child still shows the
    /// shell's command line; it is not a second copy of the program.
    /// </summary>
    public static List<int> CopiesOf(string marker)
    {
        var all = WithCommandLineContaining(marker);
        return [.. all.Where(pid => !all.Contains(ParentOf(pid)))];
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The real uid of a process.</summary>
    public static int UserId(int pid)
    {
        var line = File.ReadLines(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/status")).First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Kills whatever is left (test clean-up safety net).</summary>
    public static void KillAll(string marker)
    {
        foreach (var pid in WithCommandLineContaining(marker))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
