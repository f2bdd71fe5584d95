using System.Security.Cryptography;
using System.Text;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// The installed-state file (<c>.installed.cfg</c>, as zc.buildout's): the installed parts in
/// order and, per part, its options, a signature (recipe + hash of the resolved options) and the
/// paths it created.
/// </summary>
internal sealed class BuildoutInstalledState
{
    public const string InstalledOption = "__buildout_installed__";
    public const string SignatureOption = "__buildout_signature__";

    public List<string> Parts { get; } = [];

    public Dictionary<string, Dictionary<string, string>> Options { get; } = new(StringComparer.Ordinal);

    public static BuildoutInstalledState Read(string path)
    {
        var state = new BuildoutInstalledState();
        if (!File.Exists(path))
        {
            return state;
        }

        Dictionary<string, Dictionary<string, string>> sections;
        try
        {
            sections = BuildoutConfigParser.Parse(File.ReadAllText(path), path);
        }
        catch (BuildoutException)
        {
            // A damaged state file: every part is installed again, as on a first run.
            return state;
        }

        if (sections.TryGetValue("buildout", out var buildout) && buildout.TryGetValue("parts", out var parts))
        {
            foreach (var part in parts.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (sections.TryGetValue(part, out var options))
                {
                    state.Parts.Add(part);
                    state.Options[part] = options;
                }
            }
        }

        return state;
    }

    public void Write(string path)
    {
        var text = new StringBuilder();
        text.Append("[buildout]\nparts = ").AppendJoin(' ', Parts).Append('\n');
        foreach (var part in Parts)
        {
            text.Append("\n[").Append(part).Append("]\n");
            foreach (var (key, value) in Options[part].OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                WriteOption(text, key, value);
            }
        }

        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, path, overwrite: true);
    }

    public static IReadOnlyList<string> InstalledPaths(IReadOnlyDictionary<string, string> options) =>
        options.TryGetValue(InstalledOption, out var paths)
            ? paths.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>The signature of a part: its recipe and a hash of its resolved options.</summary>
    public static string Signature(string recipe, IReadOnlyDictionary<string, string> options)
    {
        var canonical = new StringBuilder();
        foreach (var (key, value) in options.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            canonical.Append(key).Append('\0').Append(value).Append('\0');
        }

        return BuildoutProfile.NormalizeRecipeName(recipe) + " " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static void WriteOption(StringBuilder text, string key, string value)
    {
        if (value.Contains('\n', StringComparison.Ordinal) || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))))
        {
            text.Append(key).Append(" =\n");
            foreach (var line in value.Split('\n'))
            {
                text.Append('\t').Append(line).Append('\n');
            }
        }
        else
        {
            text.Append(key).Append(" = ").Append(value).Append('\n');
        }
    }
}
