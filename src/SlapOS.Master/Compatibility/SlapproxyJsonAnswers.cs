using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Json;

namespace SlapOS.Master.Compatibility;

/// <summary>
/// slapproxy's JSON answers where it differs from the production master (slapproxy profile only): calls about a
/// computer or instance it does not know are no-ops, and its refusals carry its own sentences.
/// </summary>
internal static class SlapproxyJsonAnswers
{
    private static readonly Dictionary<string, string?> EmptyPair = new() { ["key"] = string.Empty, ["certificate"] = string.Empty };

    /// <summary>What slapproxy answers, with a 200, when the computer or instance named is unknown.</summary>
    private static readonly Dictionary<string, object> NoOps = new(StringComparer.Ordinal)
    {
        ["/slapos.post.v0.compute_node_certificate"] = EmptyPair,
        ["/slapos.remove.v0.compute_node_certificate"] = JsonDocuments.Success("Ignored"),
        ["/slapos.post.v0.compute_node_usage"] = JsonDocuments.Success("Ignored"),
        ["/slapos.put.v0.compute_node_bang"] = JsonDocuments.Success("Ignored"),
        ["/slapos.put.v0.software_installation_reported_state"] = JsonDocuments.Success("Ignored"),
        ["/slapos.put.v0.software_installation_error"] = JsonDocuments.Success("Ignored"),
        ["/slapos.get.v0.software_instance_certificate"] = EmptyPair,
        ["/slapos.put.v0.software_instance_error"] = JsonDocuments.Success("Ignored"),
        ["/slapos.put.v0.software_instance_reported_state"] = JsonDocuments.Success("Ignored"),
    };

    /// <summary>The handler of <paramref name="path"/>, with slapproxy's answers when the profile is on.</summary>
    public static JsonApiHandler Wrap(string path, JsonApiHandler handler) => async (context, body, cancellationToken) =>
    {
        try
        {
            var result = await handler(context, body, cancellationToken);
            if (!SlapproxyProfile.IsOn(context))
            {
                return result;
            }

            // A node's software report is recorded all the same: "Ignored" is slapproxy's acknowledgement, the word our
            // XML API answers to the same reports (softwareReleaseError, buildingSoftwareRelease…) in every profile.
            return path switch
            {
                "/slapos.put.v0.software_installation_reported_state" => JsonDocuments.Success(Field(body, "reported_state") == "destroyed" ? "Destroyed" : "Ignored"),
                "/slapos.put.v0.software_installation_error" => JsonDocuments.Success("Ignored"),
                _ => result,
            };
        }
        catch (SlapException e) when (SlapproxyProfile.IsOn(context) && Answer(path, body, e) is { } answer)
        {
            return answer is SlapException refusal ? throw refusal : answer;
        }
    };

    /// <summary>slapproxy's answer to this failure: a document (no-op), another refusal, or <see langword="null"/> (ours stands).</summary>
    private static object? Answer(string path, JsonElement body, SlapException e)
    {
        if (e.Kind == SlapErrorKind.NotFound && NoOps.TryGetValue(path, out var noOp))
        {
            return noOp;
        }

        var refusal = (e.Kind, path) switch
        {
            (SlapErrorKind.NoCapacity, "/slapos.post.v0.software_instance") => $"No free computer partition found for: {Field(body, "title")}",
            (SlapErrorKind.NotFound, "/slapos.get.v0.compute_partition") => $"No instance on partition {Field(body, "compute_partition_id")} found.",
            (SlapErrorKind.NotFound, "/slapos.get.v0.instance_tree") => $"No instance tree {Field(body, "title")} found.",
            (SlapErrorKind.NotFound, _) when body.ValueKind == JsonValueKind.Object && body.TryGetProperty("instance_guid", out _) =>
                Field(body, "instance_guid").Contains("___", StringComparison.Ordinal)
                    ? $"No software instance {Field(body, "instance_guid")} found."
                    : $"instance_guid {Field(body, "instance_guid")} not handled.",
            (SlapErrorKind.Forbidden, "/slapos.put.v0.software_instance_bang" or "/slapos.put.v0.software_instance_title") => "NotImplemented",
            _ => null,
        };
        return refusal is null ? null : new SlapException(e.Kind, refusal, e);
    }

    private static string Field(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
