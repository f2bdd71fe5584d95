using System.Text;
using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>The page around every portal view: skip link, navigation, who is signed in, the main landmark.</summary>
internal static class PortalLayout
{
    private static readonly (string Path, string Label)[] Navigation =
    [
        ("/computers", "Computers"),
        ("/capacity", "Capacity"),
        ("/trees", "Instance trees"),
        ("/request", "Request an instance"),
        ("/usage", "Usage"),
        ("/activity", "Activity"),
    ];

    public static Task WriteAsync(HttpContext context, string title, Markup body, int status = StatusCodes.Status200OK)
    {
        var caller = context.GetSlapIdentity();
        var current = context.Request.Path.Value ?? string.Empty;
        var page = new HtmlBuilder();
        page.Add($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · SlapOS master</title>
            <link rel="stylesheet" href="{PortalEndpoints.Root}/portal.css">
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="top">
            <p class="brand"><a href="{PortalEndpoints.Root}/computers">SlapOS master</a></p>
            <nav aria-label="Portal"><ul>
            """);
        foreach (var (path, label) in Navigation)
        {
            var href = PortalEndpoints.Root + path;
            var isCurrent = current.Equals(href, StringComparison.Ordinal) || current.StartsWith(href + "/", StringComparison.Ordinal);
            page.Add($"<li><a href=\"{href}\"{new Markup(isCurrent ? " aria-current=\"page\"" : string.Empty)}>{label}</a></li>");
        }

        page.Add($"""
            </ul></nav>
            <p class="who">Signed in as {caller.Kind.ToString().ToLowerInvariant()} <strong>{caller.Reference}</strong>{new Markup(caller.IsAdmin ? " <span class=\"state state-admin\">admin</span>" : string.Empty)}</p>
            </header>
            <main id="main" tabindex="-1">
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
        return WriteHtmlAsync(context, page.ToString(), status);
    }

    public static Task WriteHtmlAsync(HttpContext context, string html, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
    }
}
