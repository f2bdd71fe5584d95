using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SlapOS.Wire;

namespace SlapOS.Master.Api.Json;

/// <summary>Writes JSON API answers: documents, and errors shaped <c>{"status","type","title"}</c> as SlapOS does.</summary>
internal static class JsonApiResponses
{
    internal static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = null,
    };

    public static Task WriteAsync(HttpContext context, object document, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, document, document.GetType(), SerializerOptions, context.RequestAborted);
    }

    /// <summary>
    /// Writes a problem document; <paramref name="kind"/>, when given, is named in <see cref="SlapHeaders.ErrorKind"/>
    /// (the body's <c>kind</c> too, outside the slapproxy profile).
    /// </summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string title, SlapErrorKind? kind = null)
    {
        if (kind is not null)
        {
            context.Response.Headers[SlapHeaders.ErrorKind] = kind.ToString();
        }

        // slapproxy's users compare error documents whole: the profile keeps them to SlapOS's three keys.
        var bodyKind = Compatibility.SlapproxyProfile.IsOn(context) ? null : kind?.ToString();
        return WriteAsync(context, new JsonApiError(status, ReasonPhrases.GetReasonPhrase(status), title, bodyKind), status);
    }

    /// <summary>
    /// The status SlapOS's JSON API gives each kind of failure: everything "not found" or "not
    /// allowed" (no free partition included) is 403; validation is 400.
    /// </summary>
    public static int StatusOf(SlapErrorKind kind) => kind switch
    {
        SlapErrorKind.Validation => StatusCodes.Status400BadRequest,
        SlapErrorKind.NotReady => StatusCodes.Status408RequestTimeout,
        SlapErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status403Forbidden,
    };
}
