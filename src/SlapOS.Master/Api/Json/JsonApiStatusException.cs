namespace SlapOS.Master.Api.Json;

/// <summary>
/// A SlapOS failure that the JSON API answers with a status other than its kind's usual one, as SlapOS
/// does (e.g. "Not destroying yet…" is a 403 there); the error document still names the precise kind.
/// </summary>
internal sealed class JsonApiStatusException(int status, SlapException inner) : Exception(inner.Message, inner)
{
    public int Status { get; } = status;

    public SlapErrorKind Kind { get; } = inner.Kind;
}
