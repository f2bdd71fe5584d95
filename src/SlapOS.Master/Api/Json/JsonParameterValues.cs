using System.Text.Json;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// Instance parameters arrive as any JSON value and are kept as strings, as SlapOS keeps them:
/// strings as they are, everything else as Python's <c>str()</c> would print it (<c>42</c>, <c>True</c>, <c>None</c>, <c>[1, 'x']</c>).
/// </summary>
internal static class JsonParameterValues
{
    public static Dictionary<string, string> ToStrings(JsonElement parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var property in parameters.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : JsonSchemaValidator.PythonRepr(property.Value);
        }

        return result;
    }
}
