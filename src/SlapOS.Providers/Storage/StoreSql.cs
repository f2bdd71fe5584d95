using System.Collections.Frozen;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SlapOS.Providers.Storage;

/// <summary>
/// The SQL of one dialect, read from embedded resources: numbered migrations
/// (<c>001_initial.sql</c>…) and named queries (<c>queries.sql</c>, blocks starting with <c>-- name: key</c>).
/// Every dialect has the same file names and query keys.
/// </summary>
internal sealed partial class StoreSql
{
    private readonly FrozenDictionary<string, string> _queries;

    private StoreSql(Assembly assembly, string dialect)
    {
        var prefix = $"SlapOS.Providers.Storage.{dialect}.";
        var migrations = new List<(int, string, string)>();
        string? queries = null;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = name[prefix.Length..];
            var text = Read(assembly, name);
            if (file == "queries.sql")
            {
                queries = text;
            }
            else if (MigrationName().Match(file) is { Success: true } m)
            {
                migrations.Add((int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), file, text));
            }
        }

        Migrations = [.. migrations.OrderBy(m => m.Item1)];
        _queries = ParseQueries(queries ?? throw new InvalidOperationException($"{prefix}queries.sql is not embedded"));
    }

    public static StoreSql Sqlite { get; } = new(typeof(StoreSql).Assembly, "Sqlite");

    public static StoreSql PostgreSql { get; } = new(typeof(StoreSql).Assembly, "PostgreSql");

    /// <summary>
    /// The SQL of a dialect shipped in another assembly (a provider package that keeps its client library
    /// out of this one), embedded under the same names: <c>SlapOS.Providers.Storage.{dialect}.*.sql</c>.
    /// </summary>
    public static StoreSql Load(Assembly assembly, string dialect) => new(assembly, dialect);

    /// <summary>Migrations in order: (version, file name, script).</summary>
    public IReadOnlyList<(int Version, string Name, string Script)> Migrations { get; }

    /// <summary>The newest schema version these scripts create.</summary>
    public int LatestVersion => Migrations.Count == 0 ? 0 : Migrations[^1].Version;

    public string this[string key] => _queries.TryGetValue(key, out var sql) ? sql : throw new KeyNotFoundException($"no query '{key}'");

    public IEnumerable<string> Keys => _queries.Keys;

    private static FrozenDictionary<string, string> ParseQueries(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        var body = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("-- name:", StringComparison.Ordinal))
            {
                Flush();
                key = trimmed["-- name:".Length..].Trim();
            }
            else if (key is not null && !trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                body.Add(trimmed);
            }
        }

        Flush();
        return result.ToFrozenDictionary(StringComparer.Ordinal);

        void Flush()
        {
            if (key is not null)
            {
                result[key] = string.Join('\n', body).Trim();
            }

            body.Clear();
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{3})_[a-z0-9_]+\.sql$")]
    private static partial Regex MigrationName();
}
