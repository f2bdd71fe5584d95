using System.Text.Json.Nodes;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// The response schema of every JSON API path: SlapOS's own (its <c>json_rpc.json</c> and
/// <c>json_rpc_experimental.json</c>, embedded unchanged) for the paths SlapOS defines, ours for the paths it
/// does not, and the error document. Answers must validate against them: SlapOS's schemas forbid any key
/// they do not list (<c>additionalProperties: false</c>), so extras break clients that validate.
/// </summary>
internal static class JsonApiResponseSchemas
{
    private static readonly string[] OfficialDocuments = ["json_rpc.json", "json_rpc_experimental.json"];

    private static readonly Lazy<IReadOnlyDictionary<string, JsonObject>> Official = new(LoadOfficial);

    /// <summary>The 200 schema of <paramref name="path"/>, or <see langword="null"/> when no schema is known for it.</summary>
    public static JsonObject? Success(string path) =>
        Official.Value.TryGetValue(path, out var schema) ? (JsonObject)schema.DeepClone()
        : Ours.TryGetValue(path, out var ours) ? (JsonObject)JsonNode.Parse(ours)! : null;

    /// <summary>Whether <paramref name="path"/>'s schema is SlapOS's own.</summary>
    public static bool IsSlapOS(string path) => Official.Value.ContainsKey(path);

    /// <summary>Every error answer: SlapOS's <c>status</c>, <c>type</c>, <c>title</c>, and our optional <c>kind</c>.</summary>
    public static JsonObject Error() => (JsonObject)JsonNode.Parse("""
        {
          "type": "object",
          "required": ["status", "type", "title"],
          "additionalProperties": false,
          "properties": {
            "status": { "type": "integer" },
            "type": { "type": "string" },
            "title": { "type": "string" },
            "kind": { "type": "string", "description": "The precise failure (SlapOS answers most failures with a 403)." }
          }
        }
        """)!;

    /// <summary>Our paths that SlapOS's v0 does not define (onboarding, long-poll), as strict as SlapOS's.</summary>
    private static readonly Dictionary<string, string> Ours = new(StringComparer.Ordinal)
    {
        ["/slapos.post.v0.compute_node_token"] = Token,
        [InstanceStatusEndpoint.Path] = InstanceStatusEndpoint.ResponseSchema,
        ["/slapos.post.v0.person_token"] = Token,
        ["/slapos.post.v0.compute_node_register"] = Registration,
        ["/slapos.post.v0.person_register"] = Registration,
        ["/slapos.remove.v0.software_instance_certificate"] = Revoked,
        ["/slapos.remove.v0.person_certificate"] = Revoked,
        ["/slapos.remove.v0.certificate"] = Revoked,
        ["/slapos.allDocs.v0.certificate_list"] = CertificateList,
        ["/slapos.wait.v0.compute_node_change"] = """
            {
              "type": "object",
              "required": ["changed", "change_stamp"],
              "additionalProperties": false,
              "properties": { "changed": { "type": "boolean" }, "change_stamp": { "type": "integer" } }
            }
            """,
    };

    private const string Revoked = """
        {
          "type": "object",
          "required": ["type", "title"],
          "additionalProperties": false,
          "properties": { "type": { "type": "string" }, "title": { "type": "string" } }
        }
        """;

    private const string CertificateList = """
        {
          "type": "object",
          "required": ["result_list"],
          "additionalProperties": false,
          "properties": {
            "result_list": {
              "type": "array",
              "items": {
                "type": "object",
                "required": ["serial_number", "not_before", "not_after", "issued_at", "revoked_at", "revocation_reason", "state"],
                "additionalProperties": false,
                "properties": {
                  "serial_number": { "type": "string" },
                  "not_before": { "type": "string", "format": "date-time" },
                  "not_after": { "type": "string", "format": "date-time" },
                  "issued_at": { "type": "string", "format": "date-time" },
                  "revoked_at": { "type": ["string", "null"] },
                  "revocation_reason": { "type": ["string", "null"] },
                  "state": { "enum": ["valid", "revoked", "expired"] }
                }
              }
            }
          }
        }
        """;

    private const string Token = """
        {
          "type": "object",
          "required": ["token", "expires"],
          "additionalProperties": false,
          "properties": {
            "token": { "type": "string" },
            "expires": { "type": "string", "format": "date-time" }
          }
        }
        """;

    private const string Registration = """
        {
          "type": "object",
          "required": ["reference", "key", "certificate", "ca_certificate", "not_after"],
          "additionalProperties": false,
          "properties": {
            "reference": { "type": "string" },
            "key": { "type": "string" },
            "certificate": { "type": "string" },
            "ca_certificate": { "type": "string" },
            "not_after": { "type": "string", "format": "date-time" }
          }
        }
        """;

    private static Dictionary<string, JsonObject> LoadOfficial()
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var assembly = typeof(JsonApiResponseSchemas).Assembly;
        foreach (var name in OfficialDocuments)
        {
            using var stream = assembly.GetManifestResourceStream("SlapOS.Master.Api.Json.OpenApi." + name)
                ?? throw new InvalidOperationException($"embedded resource {name} is missing");
            var document = JsonNode.Parse(stream)!.AsObject();
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                if (item?["post"]?["responses"]?["200"]?["content"]?["application/json"]?["schema"] is JsonObject schema)
                {
                    result[path] = (JsonObject)schema.DeepClone();
                }
            }
        }

        return result;
    }
}
