using System.Text.Json.Serialization;

namespace SlapOS.Master.Api.Json;

/// <summary>The JSON API's error document.</summary>
internal sealed record JsonApiError(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title);
