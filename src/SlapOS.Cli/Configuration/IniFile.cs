namespace SlapOS.Cli.Configuration;

/// <summary>A minimal INI reader for SlapOS configuration files (<c>key = value</c> under <c>[section]</c>, <c>#</c>/<c>;</c> comments).</summary>
internal static class IniFile
{
    public static Dictionary<string, Dictionary<string, string>> Parse(IEnumerable<string> lines)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                var name = line[1..^1].Trim();
                if (!sections.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                    sections[name] = current;
                }

                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator > 0 && current is not null)
            {
                current[line[..separator].Trim()] = line[(separator + 1)..].Trim();
            }
        }

        return sections;
    }
}
