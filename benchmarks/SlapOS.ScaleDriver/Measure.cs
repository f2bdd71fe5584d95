using System.Globalization;
using System.Runtime.InteropServices;

namespace SlapOS.ScaleDriver;

/// <summary>Conditions and resource figures read from the machine: load average, CPU seconds and peak RSS of a process.</summary>
internal static class Measure
{
    private static readonly long TicksPerSecond = 100; // USER_HZ on Linux

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static void PrintConditions(string scenario, string details)
    {
        Console.WriteLine($"# {scenario} scenario — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"load average at start: {LoadAverage()}");
        Console.WriteLine(details);
        Console.WriteLine();
    }

    /// <summary>User + system CPU seconds of a process (this one when <paramref name="pid"/> is null).</summary>
    public static double CpuSeconds(int? pid = null)
    {
        var path = pid is { } p ? $"/proc/{p}/stat" : "/proc/self/stat";
        if (!File.Exists(path))
        {
            return double.NaN;
        }

        // Fields after the command name (which may hold spaces, so cut at the last ')'): utime is field 14, stime 15.
        var text = File.ReadAllText(path);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / (double)TicksPerSecond;
    }

    /// <summary>Peak resident set size in MiB (VmHWM) of a process (this one when <paramref name="pid"/> is null).</summary>
    public static double PeakRssMiB(int? pid = null)
    {
        var path = pid is { } p ? $"/proc/{p}/status" : "/proc/self/status";
        if (!File.Exists(path))
        {
            return double.NaN;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    public static string Latencies(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"{Percentile(sorted, 0.50):F2} | {Percentile(sorted, 0.99):F2} | {(sorted.Length == 0 ? 0 : sorted[^1]):F2}");
    }
}
