using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary>
/// The one home of the rendering switch: a command hands its result as a JSON document and a way to print it for
/// people; <c>--json</c> (accepted by every command) decides which one is written to standard output.
/// </summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Whether the command line asked for machine-readable output.</summary>
    public static bool IsJson(ParseResult parseResult) => parseResult.GetValue(GlobalOptions.Json);

    /// <summary>Writes <paramref name="result"/> as indented JSON under <c>--json</c>, else lets <paramref name="text"/> print it; returns 0.</summary>
    public static int Write(ParseResult parseResult, JsonNode? result, Action<TextWriter> text)
    {
        var output = parseResult.InvocationConfiguration.Output;
        if (IsJson(parseResult))
        {
            Json(output, result);
        }
        else
        {
            text(output);
        }

        return 0;
    }

    /// <summary>Where progress and notes go: standard error under <c>--json</c> (standard output stays one JSON document), else standard output.</summary>
    public static TextWriter Progress(ParseResult parseResult) =>
        IsJson(parseResult) ? parseResult.InvocationConfiguration.Error : parseResult.InvocationConfiguration.Output;

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
