using System.Text.Json.Serialization;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// The JSON API's error document: SlapOS's <c>status</c>, <c>type</c> (the HTTP reason) and <c>title</c>,
/// plus <c>kind</c>, the precise <see cref="SlapErrorKind"/> (SlapOS answers most failures with a 403, so
/// our clients need it to tell "not found" from "not allowed").
/// </summary>
internal sealed record JsonApiError(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("kind"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind = null);
