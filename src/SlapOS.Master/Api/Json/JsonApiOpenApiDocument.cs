using System.Text.Json.Nodes;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// The OpenAPI 3 document of our JSON API, built from the same schemas that validate requests, so it never drifts;
/// the answers' schemas are SlapOS's own where SlapOS defines the path (<see cref="JsonApiResponseSchemas"/>).
/// </summary>
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
                        ["200"] = new JsonObject
                        {
                            ["description"] = JsonApiResponseSchemas.IsSlapOS(path) ? "The result document (SlapOS's schema)" : "The result document",
                            ["content"] = JsonContent(JsonApiResponseSchemas.Success(path) ?? throw new InvalidOperationException($"no response schema for {path}")),
                        },
                        ["default"] = new JsonObject { ["description"] = "An error: bad body (400), not found or not allowed or no free partition (403)…", ["content"] = JsonContent(JsonApiResponseSchemas.Error()) },
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
