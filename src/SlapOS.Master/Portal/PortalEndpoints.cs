using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>The portal's routes under <see cref="Root"/>, each behind the same identity gate as the APIs.</summary>
internal static class PortalEndpoints
{
    public const string Root = "/portal";

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(PortalEndpoints).Assembly.GetManifestResourceStream("SlapOS.Master.Portal.portal.css")
            ?? throw new InvalidOperationException("The portal stylesheet is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        Get(endpoints, "", context =>
        {
            context.Response.Redirect(Root + "/computers");
            return Task.CompletedTask;
        });
        Get(endpoints, "/portal.css", context =>
        {
            context.Response.ContentType = "text/css; charset=utf-8";
            context.Response.Headers.CacheControl = "private, max-age=300";
            return context.Response.WriteAsync(Stylesheet.Value, context.RequestAborted);
        });
        Get(endpoints, "/computers", ComputerPages.ListAsync);
        Get(endpoints, "/computers/{computer}", ComputerPages.DetailAsync);
        Post(endpoints, "/computers/{computer}/supply", ComputerPages.SupplyAsync);
        Post(endpoints, "/computers/{computer}/revoke", CertificatePages.RevokeAsync);
        Get(endpoints, "/trees", TreePages.ListAsync);
        Get(endpoints, "/trees/{instance}", TreePages.DetailAsync);
        Get(endpoints, "/instances/{instance}/state", InstancePages.ConfirmAsync);
        Post(endpoints, "/instances/{instance}/state", InstancePages.ChangeAsync);
        Get(endpoints, "/capacity", CapacityPage.RenderAsync);
        Get(endpoints, "/request", RequestPage.FormAsync);
        Post(endpoints, "/request", RequestPage.SubmitAsync);
        Get(endpoints, "/usage", UsagePage.RenderAsync);
        Get(endpoints, "/activity", ActivityPage.RenderAsync);
    }

    public static PortalQueries Queries(HttpContext context) => new(context.RequestServices.GetRequiredService<ISlapMaster>());

    public static string Route(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    private static void Get(IEndpointRouteBuilder endpoints, string path, RequestDelegate page) =>
        endpoints.MapGet(Root + path, SlapIdentityGate.Wrap(PortalPipeline.Create(page))).WithDisplayName($"SlapOS portal GET {Root}{path}");

    private static void Post(IEndpointRouteBuilder endpoints, string path, RequestDelegate page) =>
        endpoints.MapPost(Root + path, SlapIdentityGate.Wrap(PortalPipeline.Create(page))).WithDisplayName($"SlapOS portal POST {Root}{path}");
}
