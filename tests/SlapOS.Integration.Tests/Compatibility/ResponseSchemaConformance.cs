using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SlapOS.Integration.Tests.Api;
using SlapOS.Integration.Tests.Identity;

namespace SlapOS.Integration.Tests.Compatibility;

/// <summary>
/// Checks JSON API answers against the response schemas of the master's own OpenAPI document
/// (<c>/openapi/slapos-v0.json</c>: SlapOS's <c>json_rpc.json</c> schemas for SlapOS's paths), with an
/// independent draft-07 validator (JsonSchema.Net), and remembers which paths answered 200.
/// </summary>
public sealed class ResponseSchemaConformance
{
    private readonly JsonObject _paths;
    private readonly List<string> _failures = [];
    private readonly HashSet<string> _succeeded = new(StringComparer.Ordinal);

    private ResponseSchemaConformance(JsonObject paths) => _paths = paths;

    /// <summary>Every path the master's OpenAPI document lists.</summary>
    public IReadOnlyCollection<string> Paths => _paths.Select(p => p.Key).ToList();

    /// <summary>The paths that answered 200 at least once.</summary>
    public IReadOnlyCollection<string> Succeeded => _succeeded;

    /// <summary>What did not validate.</summary>
    public IReadOnlyList<string> Failures => _failures;

    public static async Task<ResponseSchemaConformance> LoadAsync(HttpClient client)
    {
        var text = await client.GetStringAsync(new Uri("/openapi/slapos-v0.json", UriKind.Relative));
        return new ResponseSchemaConformance(JsonNode.Parse(text)!["paths"]!.AsObject());
    }

    /// <summary>Posts <paramref name="body"/> to <paramref name="path"/> and checks the answer against its schema (200 or error).</summary>
    public async Task<Answer> PostAsync(HttpClient client, string path, object body)
    {
        var answer = await MtlsMaster.PostJsonAsync(client, path, body);
        Check(path, answer);
        return answer;
    }

    public void Check(string path, Answer answer)
    {
        var responses = _paths[path]?["post"]?["responses"];
        if (responses is null)
        {
            _failures.Add($"{path}: not in the OpenAPI document");
            return;
        }

        var ok = answer.Status == HttpStatusCode.OK;
        var schemaNode = ok ? responses["200"]?["content"]?["application/json"]?["schema"] : responses["default"]?["content"]?["application/json"]?["schema"];
        if (schemaNode is null)
        {
            _failures.Add($"{path}: no schema for {(int)answer.Status}");
            return;
        }

        if (answer.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            _failures.Add($"{path}: {(int)answer.Status} answered {answer.ContentType}, not JSON");
            return;
        }

        var schema = JsonSchema.FromText(schemaNode.ToJsonString());
        var result = schema.Evaluate(JsonNode.Parse(answer.Body), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"));
            _failures.Add($"{path} {(int)answer.Status}: {string.Join("; ", errors)} in {answer.Body[..Math.Min(answer.Body.Length, 400)]}");
        }

        if (ok)
        {
            _succeeded.Add(path);
        }
    }

    /// <summary>Fails with every answer that did not validate.</summary>
    public void AssertAllValid() => Assert.True(_failures.Count == 0, string.Join(Environment.NewLine, _failures));

    public static JsonElement Json(Answer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Json();
    }
}
