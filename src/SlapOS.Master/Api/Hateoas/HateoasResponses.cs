using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// HATEOAS answers framed as SlapOS frames them: documents as <c>application/json</c> (Flask
/// <c>jsonify</c>), redirects and errors as Werkzeug HTML pages in <c>text/html; charset=utf-8</c>.
/// </summary>
internal static class HateoasResponses
{
    public const string JsonContentType = "application/json";
    public const string HtmlContentType = "text/html; charset=utf-8";
    public const string NotFoundMessage = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";

    public static Task WriteJsonAsync(HttpContext context, object document)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(HateoasJson.Write(document), context.RequestAborted);
    }

    public static Task WriteTextAsync(HttpContext context, string text)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = HtmlContentType;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        var phrase = ReasonPhrases.GetReasonPhrase(status);
        return WriteHtmlAsync(context, status, $"<!doctype html>\n<html lang=en>\n<title>{status} {phrase}</title>\n<h1>{phrase}</h1>\n<p>{Escape(message)}</p>\n");
    }

    public static Task WriteNotFoundAsync(HttpContext context) => WriteErrorAsync(context, StatusCodes.Status404NotFound, NotFoundMessage);

    /// <summary>A Werkzeug redirect page: <c>Location</c> plus the "Redirecting..." body.</summary>
    public static Task WriteRedirectAsync(HttpContext context, int status, string location)
    {
        context.Response.Headers.Location = location;
        var target = Escape(location);
        return WriteHtmlAsync(context, status,
            $"<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\"{target}\">{target}</a>. If not, click the link.\n");
    }

    /// <summary>HTML escaping as Werkzeug's (markupsafe) does it: quotes as numeric entities.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    private static Task WriteHtmlAsync(HttpContext context, int status, string page)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = HtmlContentType;
        return context.Response.WriteAsync(page, context.RequestAborted);
    }
}
