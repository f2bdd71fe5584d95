using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace SlapOS.Master.Api.Xml;

/// <summary>
/// Answers of the legacy XML slap API, framed as SlapOS frames them: every body is served as
/// <c>text/html; charset=utf-8</c> (marshal documents and plain words alike), and errors are
/// Werkzeug-style HTML pages whose <c>&lt;p&gt;</c> carries the reason.
/// </summary>
internal static class XmlApiResponses
{
    public const string ContentType = "text/html; charset=utf-8";

    public static Task WriteAsync(HttpContext context, string body, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        var phrase = ReasonPhrases.GetReasonPhrase(status);
        var page = $"<!doctype html>\n<html lang=en>\n<title>{status} {phrase}</title>\n<h1>{phrase}</h1>\n<p>{WebUtility.HtmlEncode(message)}</p>\n";
        return WriteAsync(context, page, status);
    }

    /// <summary>
    /// The status the slap client expects for each failure: 404 for "not found" and "no free
    /// partition" (NotFoundError), 408 for "not ready" (ResourceNotReady), 403 for a refusal,
    /// 400 for bad input — never a 500 for a client mistake.
    /// </summary>
    public static int StatusOf(SlapErrorKind kind) => kind switch
    {
        SlapErrorKind.Validation => StatusCodes.Status400BadRequest,
        SlapErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        SlapErrorKind.NotReady => StatusCodes.Status408RequestTimeout,
        SlapErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status404NotFound,
    };
}
