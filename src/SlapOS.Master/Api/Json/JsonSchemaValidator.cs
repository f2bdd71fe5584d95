using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// Validates a request body against its <see cref="JsonSchemaNode"/> and words the first error as
/// Python's jsonschema does, since that is what SlapOS clients see (e.g. <c>'computer_guid' is a required property</c>).
/// </summary>
internal static class JsonSchemaValidator
{
    /// <summary>The first validation error, or <see langword="null"/> when the value is valid.</summary>
    public static string? Validate(JsonElement value, JsonSchemaNode schema)
    {
        if (!HasType(value, schema.Type))
        {
            return $"{PythonRepr(value)} is not of type '{schema.Type}'";
        }

        if (schema.Enum is { } allowed && !allowed.Contains(value.GetString()))
        {
            return $"{PythonRepr(value)} is not one of [{string.Join(", ", allowed.Select(a => PythonString(a)))}]";
        }

        return schema.Type switch
        {
            "object" => ValidateObject(value, schema),
            "array" when schema.Items is { } items => value.EnumerateArray().Select(item => Validate(item, items)).FirstOrDefault(e => e is not null),
            _ => null,
        };
    }

    private static string? ValidateObject(JsonElement value, JsonSchemaNode schema)
    {
        if (!schema.AdditionalProperties)
        {
            var unexpected = value.EnumerateObject()
                .Select(p => p.Name)
                .Where(name => !schema.Properties.Any(p => p.Name == name))
                .ToList();
            if (unexpected.Count > 0)
            {
                var names = string.Join(", ", unexpected.Select(n => PythonString(n)));
                return $"Additional properties are not allowed ({names} {(unexpected.Count == 1 ? "was" : "were")} unexpected)";
            }
        }

        foreach (var required in schema.Required)
        {
            if (!value.TryGetProperty(required, out _))
            {
                return $"{PythonString(required)} is a required property";
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            var propertySchema = schema.Properties.FirstOrDefault(p => p.Name == property.Name).Schema ?? schema.AdditionalPropertiesSchema;
            if (propertySchema is not null && Validate(property.Value, propertySchema) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        _ => true,
    };

    /// <summary>Python's <c>repr()</c> of a decoded JSON value.</summary>
    internal static string PythonRepr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => PythonString(value.GetString()!),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(PythonRepr)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ", value.EnumerateObject().Select(p => PythonString(p.Name) + ": " + PythonRepr(p.Value))) + "}",
        _ => value.GetRawText(),
    };

    /// <summary>Python's <c>repr()</c> of a string: single quotes unless the text holds one and no double quote.</summary>
    internal static string PythonString(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\n' => builder.Append(@"\n"),
                '\r' => builder.Append(@"\r"),
                '\t' => builder.Append(@"\t"),
                _ when c == quote => builder.Append('\\').Append(c),
                _ when char.IsControl(c) => builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append(quote).ToString();
    }
}
