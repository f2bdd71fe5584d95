using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// The HATEOAS subset that <c>slapos service list|info</c> and <c>slapos computer list|info</c> use
/// (configured with <c>master_rest_url = http://host:port/hateoas</c>): the root document with its
/// <c>raw_search</c> and <c>traverse</c> URI templates, the searches, the traverse redirects and the
/// documents; plus <c>GET /getHateoasUrl</c>, which the slap library asks for that URL.
/// </summary>
internal static class HateoasEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        // Routing ignores a trailing slash, so one endpoint serves both and tells them apart.
        Get(endpoints, HateoasPaths.Prefix, context => context.Request.Path.Value?.EndsWith('/') == true ? RootAsync(context) : RedirectToRootAsync(context));
        Get(endpoints, $"{HateoasPaths.Root}{HateoasPaths.Partitions}/{{id}}", context => InstanceAsync(context, shared: false));
        Get(endpoints, $"{HateoasPaths.Root}{HateoasPaths.Shared}/{{id}}", context => InstanceAsync(context, shared: true));
        Get(endpoints, $"{HateoasPaths.Root}{HateoasPaths.Computers}/{{id}}", ComputerAsync);
        Get(endpoints, "/getHateoasUrl", context => HateoasResponses.WriteTextAsync(context, RootUrl(context.Request)));
    }

    /// <summary>The absolute URL of the HATEOAS root, built from the request as SlapOS builds it from <c>Host</c> (and <c>X-Forwarded-Proto</c>).</summary>
    public static string RootUrl(HttpRequest request) => PublicOrigin.Of(request) + HateoasPaths.Root;

    private static void Get(IEndpointRouteBuilder endpoints, string pattern, RequestDelegate handler) =>
        endpoints.MapGet(pattern, SlapIdentityGate.Wrap(Guarded(handler))).WithDisplayName($"SlapOS HATEOAS {pattern}");

    /// <summary>Engine failures become client errors; the CLI must never see a 500 for a lookup.</summary>
    private static RequestDelegate Guarded(RequestDelegate handler) => async context =>
    {
        try
        {
            await handler(context);
        }
        catch (SlapException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            if (e.Kind is SlapErrorKind.NotFound or SlapErrorKind.Forbidden)
            {
                await HateoasResponses.WriteNotFoundAsync(context);
            }
            else
            {
                await HateoasResponses.WriteErrorAsync(context, e.Kind == SlapErrorKind.Validation ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict, e.Message);
            }
        }
    };

    private static Task RedirectToRootAsync(HttpContext context) =>
        HateoasResponses.WriteRedirectAsync(context, StatusCodes.Status308PermanentRedirect, RootUrl(context.Request) + context.Request.QueryString);

    private static async Task RootAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var mode = query["mode"].ToString();
        switch (mode)
        {
            case "":
                var root = RootUrl(context.Request);
                await HateoasResponses.WriteJsonAsync(context, new Dictionary<string, object?>
                {
                    ["_links"] = new Dictionary<string, object?>
                    {
                        ["raw_search"] = new Dictionary<string, object?> { ["href"] = root + "?mode=search&query={query}&select_list={select_list}" },
                        ["traverse"] = new Dictionary<string, object?> { ["href"] = root + "?mode=traverse&relative_url={relative_url}&view={view}" },
                    },
                });
                return;
            case "search":
                var text = query["query"].ToString();
                if (HateoasQuery.Parse(text) is not { } parsed)
                {
                    await HateoasResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"Unhandled query: {text}");
                    return;
                }

                var master = context.RequestServices.GetRequiredService<ISlapMaster>();
                var rows = await HateoasCatalog.SearchAsync(master, context.GetSlapIdentity(), parsed, context.RequestAborted);
                await HateoasResponses.WriteJsonAsync(context, new Dictionary<string, object?>
                {
                    ["_embedded"] = new Dictionary<string, object?> { ["contents"] = rows },
                });
                return;
            case "traverse":
                var relativeUrl = query["relative_url"].ToString();
                if (!HateoasPaths.IsDocument(relativeUrl))
                {
                    await HateoasResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"Unhandled relative_url: {relativeUrl}");
                    return;
                }

                await HateoasResponses.WriteRedirectAsync(context, StatusCodes.Status302Found, context.Request.PathBase + relativeUrl);
                return;
            default:
                await HateoasResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"Unhandled mode: {mode}");
                return;
        }
    }

    private static async Task InstanceAsync(HttpContext context, bool shared)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        var document = await HateoasDocuments.InstanceAsync(master, context.GetSlapIdentity(), id, shared, context.RequestAborted, context.RequestServices);
        await WriteDocumentAsync(context, document);
    }

    private static async Task ComputerAsync(HttpContext context)
    {
        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        var document = await HateoasDocuments.ComputerAsync(master, context.GetSlapIdentity(), id, context.RequestAborted);
        await WriteDocumentAsync(context, document);
    }

    private static Task WriteDocumentAsync(HttpContext context, object? document) =>
        document is null ? HateoasResponses.WriteNotFoundAsync(context) : HateoasResponses.WriteJsonAsync(context, document);
}
