using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary>Prints results as text for people or as indented JSON for scripts.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(TextWriter writer, JsonNode? node) => writer.WriteLine(node?.ToJsonString(Indented) ?? "null");

    public static void Dictionary(TextWriter writer, JsonNode? node, string indent = "  ")
    {
        if (node is not JsonObject map || map.Count == 0)
        {
            writer.WriteLine($"{indent}(none)");
            return;
        }

        foreach (var (key, value) in map)
        {
            writer.WriteLine($"{indent}{key} = {(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString())}");
        }
    }
}
