using System.Text;

namespace SlapOS.Cli.SystemdService;

/// <summary>
/// A systemd unit file: sections of <c>Key=Value</c> lines (with comments), rendered in the order they were added.
/// Values are checked (one line, no control characters) and <c>%</c> is escaped, since systemd expands specifiers.
/// </summary>
internal sealed class SystemdUnit
{
    private readonly List<(string Section, List<string> Lines)> _sections = [];

    /// <summary>Starts (or continues) <paramref name="section"/>, e.g. <c>Service</c>.</summary>
    public SystemdUnit Section(string section)
    {
        if (_sections.Count == 0 || _sections[^1].Section != section)
        {
            _sections.Add((section, []));
        }

        return this;
    }

    /// <summary>Adds <c>key=value</c> to the current section; <paramref name="value"/> is taken literally.</summary>
    public SystemdUnit Set(string key, string value)
    {
        Current.Add($"{key}={Literal(value, key)}");
        return this;
    }

    /// <summary>Adds an <c>Environment=</c> line for <paramref name="name"/>, quoted as systemd reads it.</summary>
    public SystemdUnit Environment(string name, string value)
    {
        var quoted = Literal(name + "=" + value, name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        Current.Add($"Environment=\"{quoted}\"");
        return this;
    }

    /// <summary>Adds a <c># comment</c> line to the current section.</summary>
    public SystemdUnit Comment(string text)
    {
        Current.Add("# " + Literal(text, "comment").Replace("%%", "%", StringComparison.Ordinal));
        return this;
    }

    /// <summary>The unit file's text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var (section, lines) in _sections)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append('[').Append(section).Append("]\n");
            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>An argument of <c>ExecStart=</c>: quoted when it has spaces or quotes, as systemd splits the command line.</summary>
    public static string Argument(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private List<string> Current => _sections.Count > 0 ? _sections[^1].Lines : throw new InvalidOperationException("start a section first");

    private static string Literal(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Any(char.IsControl))
        {
            throw new CliException($"{what}: a systemd unit value must be one line without control characters", 2);
        }

        return value.Replace("%", "%%", StringComparison.Ordinal);
    }
}
