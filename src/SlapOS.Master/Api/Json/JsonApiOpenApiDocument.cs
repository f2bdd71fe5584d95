using System.Text.Json.Nodes;

namespace SlapOS.Master.Api.Json;

/// <summary>The OpenAPI 3 document of our JSON API, built from the same schemas that validate requests, so it never drifts.</summary>
internal static class JsonApiOpenApiDocument
{
    public const string Path = "/openapi/slapos-v0.json";

    private static readonly Lazy<string> Document = new(Build);

    public static string Json => Document.Value;

    private static string Build()
    {
        var paths = new JsonObject();
        foreach (var (path, schema) in JsonApiSchemas.ByPath.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            paths[path] = new JsonObject
            {
                ["post"] = new JsonObject
                {
                    ["operationId"] = path.TrimStart('/'),
                    ["requestBody"] = new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = ToJson(schema) } },
                    },
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject { ["description"] = "The result document", ["content"] = JsonContent(new JsonObject { ["type"] = "object" }) },
                        ["400"] = new JsonObject { ["description"] = "The body is not valid JSON or does not follow the schema", ["content"] = JsonContent(ErrorSchema()) },
                        ["403"] = new JsonObject { ["description"] = "Not found, not allowed, or no free partition", ["content"] = JsonContent(ErrorSchema()) },
                    },
                },
            };
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "SlapOS JSON API v0 (SlapOS for .NET)", ["version"] = "v0" },
            ["paths"] = paths,
        };
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject JsonContent(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject ErrorSchema() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("status", "type", "title"),
        ["properties"] = new JsonObject
        {
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
        },
    };

    private static JsonObject ToJson(JsonSchemaNode schema)
    {
        var node = new JsonObject { ["type"] = schema.Type };
        if (schema.Enum is { } allowed)
        {
            node["enum"] = new JsonArray(allowed.Select(a => (JsonNode)a).ToArray());
        }

        if (schema.Type == "object")
        {
            if (schema.Properties.Count > 0)
            {
                var properties = new JsonObject();
                foreach (var (name, property) in schema.Properties)
                {
                    properties[name] = ToJson(property);
                }

                node["properties"] = properties;
            }

            if (schema.Required.Count > 0)
            {
                node["required"] = new JsonArray(schema.Required.Select(r => (JsonNode)r).ToArray());
            }

            node["additionalProperties"] = schema.AdditionalPropertiesSchema is { } additional ? ToJson(additional) : schema.AdditionalProperties;
        }

        if (schema.Items is { } items)
        {
            node["items"] = ToJson(items);
        }

        return node;
    }
}
