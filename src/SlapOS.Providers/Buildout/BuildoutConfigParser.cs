namespace SlapOS.Providers.Buildout;

/// <summary>
/// Parses one buildout file, as zc.buildout's <c>configparser.py</c> does: <c>[section]</c>
/// headers, <c>key = value</c> (also <c>key += value</c>, <c>key -= value</c>), indented
/// continuation lines, <c>#</c>/<c>;</c> comments at the start of a line, <c>=&gt; parts</c>.
/// </summary>
internal static class BuildoutConfigParser
{
    public const string PartDependenciesOption = "<part-dependencies>";

    public static Dictionary<string, Dictionary<string, string>> Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        string? option = null;
        var blockMode = false;
        // Multi-line values are collected in a builder and written back at the end of the option.
        var builder = new System.Text.StringBuilder();
        var lineNumber = 0;
        List<string>? errors = null;

        void Flush()
        {
            if (current is not null && option is not null)
            {
                current[option] = Finish(builder.ToString(), blockMode);
            }

            option = null;
            builder.Clear();
        }

        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine;
            if (line.Length == 0)
            {
                if (option is not null && blockMode)
                {
                    builder.Append('\n');
                }

                continue;
            }

            if (line[0] is '#' or ';')
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]) && current is not null && option is not null)
            {
                if (blockMode)
                {
                    builder.Append('\n').Append(line.TrimEnd());
                }
                else
                {
                    var trimmed = line.Trim();
                    if (!trimmed.IsEmpty)
                    {
                        builder.Append('\n').Append(trimmed);
                    }
                }

                continue;
            }

            if (TryParseHeader(line, fileName, lineNumber, out var name))
            {
                Flush();
                if (!sections.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                    sections[name] = current;
                }

                continue;
            }

            if (current is null)
            {
                if (line.IsWhiteSpace())
                {
                    continue;
                }

                throw new BuildoutException($"{fileName}, line {lineNumber}: an option comes before any [section] header: '{line.ToString()}'.");
            }

            if (line.StartsWith("=>", StringComparison.Ordinal))
            {
                Flush();
                option = PartDependenciesOption;
                blockMode = false;
                builder.Append(line[2..].Trim());
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals > 0 && IsOptionName(line[..equals]))
            {
                Flush();
                // "key +=" / "key -=" keep their operator in the name ("key +", "key-"), as buildout does.
                option = line[..equals].TrimEnd().ToString();

                var value = line[(equals + 1)..].Trim();
                blockMode = value.IsEmpty;
                builder.Append(value);
                continue;
            }

            if (option is null && line.IsWhiteSpace())
            {
                continue;
            }

            (errors ??= []).Add($"[line {lineNumber}]: {line.ToString()}");
        }

        Flush();
        if (errors is not null)
        {
            throw new BuildoutException($"File contains parsing errors: {fileName}\n\t{string.Join("\n\t", errors)}");
        }

        return sections;
    }

    private static string Finish(string value, bool blockMode)
    {
        if (!blockMode || value.Length == 0)
        {
            return value;
        }

        // A value that starts on the next line: strip the common indentation and leading blank lines.
        var lines = value.TrimEnd().Split('\n');
        var indent = int.MaxValue;
        foreach (var l in lines)
        {
            if (l.Length == 0)
            {
                continue;
            }

            var n = 0;
            while (n < l.Length && (l[n] == ' ' || l[n] == '\t'))
            {
                n++;
            }

            indent = Math.Min(indent, n);
        }

        var start = 0;
        while (start < lines.Length && lines[start].Length == 0)
        {
            start++;
        }

        var result = new System.Text.StringBuilder(value.Length);
        for (var i = start; i < lines.Length; i++)
        {
            if (i > start)
            {
                result.Append('\n');
            }

            var l = lines[i];
            result.Append(l.Length >= indent ? l.AsSpan(indent) : l.AsSpan().TrimStart());
        }

        return result.ToString();
    }

    private static bool IsOptionName(ReadOnlySpan<char> name)
    {
        var trimmed = name.TrimEnd();
        if (trimmed.IsEmpty)
        {
            return false;
        }

        if (trimmed[^1] is '+' or '-')
        {
            trimmed = trimmed[..^1].TrimEnd();
        }

        if (trimmed.IsEmpty)
        {
            return false;
        }

        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c) || c is '{' or '}' or '[' or ']' or '=' or ':')
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseHeader(ReadOnlySpan<char> line, string fileName, int lineNumber, out string name)
    {
        name = string.Empty;
        if (line[0] != '[')
        {
            return false;
        }

        var close = line.IndexOf(']');
        if (close < 0)
        {
            return false;
        }

        var tail = line[(close + 1)..].Trim();
        if (!tail.IsEmpty && tail[0] is not ('#' or ';'))
        {
            return false;
        }

        var inner = line[1..close].Trim();
        if (inner.IsEmpty)
        {
            return false;
        }

        if (inner.IndexOf(':') >= 0)
        {
            throw new BuildoutException($"{fileName}, line {lineNumber}: conditional sections ('[{inner.ToString()}]') are not supported by the native buildout.");
        }

        foreach (var c in inner)
        {
            if (char.IsWhiteSpace(c) || c is '#' or '[' or ';' or '{' or '}')
            {
                return false;
            }
        }

        name = inner.ToString();
        return true;
    }
}
