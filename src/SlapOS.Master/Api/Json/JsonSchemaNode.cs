namespace SlapOS.Master.Api.Json;

/// <summary>The subset of JSON Schema that the SlapOS JSON API v0 uses for its request bodies.</summary>
internal sealed record JsonSchemaNode
{
    public required string Type { get; init; }

    public IReadOnlyList<(string Name, JsonSchemaNode Schema)> Properties { get; init; } = [];

    public IReadOnlyList<string> Required { get; init; } = [];

    public IReadOnlyList<string>? Enum { get; init; }

    /// <summary>Whether properties not listed are allowed (<c>additionalProperties</c>).</summary>
    public bool AdditionalProperties { get; init; }

    /// <summary>The schema every additional property must follow, when they are allowed.</summary>
    public JsonSchemaNode? AdditionalPropertiesSchema { get; init; }

    public JsonSchemaNode? Items { get; init; }

    public static JsonSchemaNode String(params string[] allowed) => new() { Type = "string", Enum = allowed.Length > 0 ? allowed : null };

    public static JsonSchemaNode BooleanValue { get; } = new() { Type = "boolean" };

    /// <summary>A free-form object (parameters, connection parameters).</summary>
    public static JsonSchemaNode AnyObject { get; } = new() { Type = "object", AdditionalProperties = true };

    public static JsonSchemaNode StringMap { get; } = new() { Type = "object", AdditionalProperties = true, AdditionalPropertiesSchema = String() };

    public static JsonSchemaNode ArrayOf(JsonSchemaNode items) => new() { Type = "array", Items = items };

    /// <summary>A closed object with the given properties; names in <paramref name="required"/> must be present.</summary>
    public static JsonSchemaNode Object(string[] required, params (string Name, JsonSchemaNode Schema)[] properties) =>
        new() { Type = "object", Properties = properties, Required = required };

    /// <summary>An object with the given properties that also accepts others (as the v0 schema does for nested items).</summary>
    public static JsonSchemaNode OpenObject(string[] required, params (string Name, JsonSchemaNode Schema)[] properties) =>
        new() { Type = "object", Properties = properties, Required = required, AdditionalProperties = true };
}
