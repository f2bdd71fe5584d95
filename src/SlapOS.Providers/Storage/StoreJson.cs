using System.Collections.Concurrent;
using System.Text.Json;

namespace SlapOS.Providers.Storage;

/// <summary>Dictionaries and lists as JSON columns. Parsed values are cached by their text: computer attributes repeat on every allocation.</summary>
internal static class StoreJson
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Cache = new(StringComparer.Ordinal);

    public static string Write(IReadOnlyDictionary<string, string>? value) =>
        value is null || value.Count == 0 ? "{}" : JsonSerializer.Serialize(value);

    public static IReadOnlyDictionary<string, string> ReadDictionary(string? json)
    {
        if (json is null or "{}" or "")
        {
            return Empty;
        }

        return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? Empty;
    }

    /// <summary>Like <see cref="ReadDictionary"/>, cached: for small values read often (attributes).</summary>
    public static IReadOnlyDictionary<string, string> ReadCachedDictionary(string? json)
    {
        if (json is null or "{}" or "")
        {
            return Empty;
        }

        if (Cache.TryGetValue(json, out var cached))
        {
            return cached;
        }

        if (Cache.Count > 10_000)
        {
            Cache.Clear();
        }

        var parsed = ReadDictionary(json);
        Cache.TryAdd(json, parsed);
        return parsed;
    }

    public static string Write<T>(T value) => JsonSerializer.Serialize(value);

    public static T? Read<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json);
}
