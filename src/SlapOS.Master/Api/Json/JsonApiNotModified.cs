namespace SlapOS.Master.Api.Json;

/// <summary>
/// A JSON API read whose caller already holds the current answer (its <c>If-None-Match</c> named the current
/// <c>ETag</c>, see <see cref="ComputerEntityTag"/>): the pipeline answers <c>304 Not Modified</c> with no body.
/// </summary>
internal sealed class JsonApiNotModified
{
    public static readonly JsonApiNotModified Instance = new();

    private JsonApiNotModified()
    {
    }
}
