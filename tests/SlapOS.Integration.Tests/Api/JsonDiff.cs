using System.Text.Json;

namespace SlapOS.Integration.Tests.Api;

/// <summary>Structural comparison of two JSON documents: same keys, same values except the keys declared non-deterministic.</summary>
internal static class JsonDiff
{
    public static IReadOnlyList<string> Compare(JsonElement expected, JsonElement actual, IReadOnlySet<string> ignoredValueKeys, IReadOnlySet<string> allowedExtraKeys)
    {
        var differences = new List<string>();
        Walk("$", expected, actual, ignoredValueKeys, allowedExtraKeys, differences);
        return differences;
    }

    private static void Walk(string path, JsonElement expected, JsonElement actual, IReadOnlySet<string> ignored, IReadOnlySet<string> extra, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind && !(IsBool(expected) && IsBool(actual)))
        {
            differences.Add($"{path}: {expected.ValueKind} {Show(expected)} expected, got {actual.ValueKind} {Show(actual)}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var property in expected.EnumerateObject())
                {
                    if (!actual.TryGetProperty(property.Name, out var other))
                    {
                        differences.Add($"{path}.{property.Name}: missing");
                    }
                    else if (!ignored.Contains(property.Name))
                    {
                        Walk($"{path}.{property.Name}", property.Value, other, ignored, extra, differences);
                    }

                    actualNames.Remove(property.Name);
                }

                differences.AddRange(actualNames.Where(n => !extra.Contains(n)).Order(StringComparer.Ordinal).Select(n => $"{path}.{n}: unexpected"));
                return;
            case JsonValueKind.Array:
                var e = Ordered(expected.EnumerateArray().ToList());
                var a = Ordered(actual.EnumerateArray().ToList());
                if (e.Count != a.Count)
                {
                    differences.Add($"{path}: {e.Count} items expected, got {a.Count}");
                    return;
                }

                for (var i = 0; i < e.Count; i++)
                {
                    Walk($"{path}[{i}]", e[i], a[i], ignored, extra, differences);
                }

                return;
            case JsonValueKind.String:
                if (expected.GetString() != actual.GetString())
                {
                    differences.Add($"{path}: {Show(expected)} expected, got {Show(actual)}");
                }

                return;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: {Show(expected)} expected, got {Show(actual)}");
                }

                return;
        }
    }

    /// <summary>Lists of a computer's releases carry no order (slapproxy: insertion; ours: by URL).</summary>
    private static List<JsonElement> Ordered(List<JsonElement> items) =>
        items.Count > 0 && items.All(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("software_release_uri", out _) && !i.TryGetProperty("instance_guid", out _))
            ? items.OrderBy(i => i.GetProperty("software_release_uri").GetString(), StringComparer.Ordinal).ToList()
            : items;

    private static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static string Show(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length > 100 ? text[..100] + "…" : text;
    }
}
