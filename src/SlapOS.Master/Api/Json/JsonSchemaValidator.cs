using System.Globalization;
using System.Numerics;
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

    /// <summary>Python's <c>repr()</c> of a decoded JSON value (the value <c>json.loads</c> gives, through <see cref="Wire.PythonRepr"/>).</summary>
    internal static string PythonRepr(JsonElement value) => Wire.PythonRepr.Repr(PythonValue(value));

    private static string PythonString(string text) => Wire.PythonRepr.Quote(text);

    // What Python's json module decodes: a number with a fraction or an exponent is a float, any other an int.
    private static object? PythonValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => PythonNumber(value.GetRawText()),
        JsonValueKind.Array => value.EnumerateArray().Select(PythonValue).ToList(),
        JsonValueKind.Object => PythonObject(value),
        _ => null,
    };

    private static object PythonNumber(string text) =>
        text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0
            ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)
            : BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> PythonObject(JsonElement value)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            result[property.Name] = PythonValue(property.Value);
        }

        return result;
    }
}
