using System.Globalization;

namespace SlapOS.Providers.Managers;

/// <summary>The kernel's cpu list format (<c>0-3,6</c>), read and written.</summary>
internal static class CpuList
{
    public static SortedSet<int> Parse(string text)
    {
        var cpus = new SortedSet<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                cpus.Add(int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture));
                continue;
            }

            var first = int.Parse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
            var last = int.Parse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new FormatException($"'{part}' is not a cpu range");
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    public static bool TryParse(string? text, out SortedSet<int> cpus)
    {
        try
        {
            cpus = Parse(text ?? string.Empty);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            cpus = [];
            return false;
        }
    }

    public static string Format(IEnumerable<int> cpus) => string.Join(',', cpus.Select(c => c.ToString(CultureInfo.InvariantCulture)));
}
