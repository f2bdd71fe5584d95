using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Hateoas;
using SlapOS.Master.Api.Json;
using SlapOS.Master.Api.Onboarding;
using SlapOS.Master.Api.Security;
using SlapOS.Master.Portal;

namespace SlapOS.Master.Api;

/// <summary>
/// <c>GET /</c>: as slapproxy redirects <c>/</c> to its panel, a master with the portal mapped redirects to
/// <c>/portal/</c> (302); without it, a small JSON index names the API roots instead of an empty 404.
/// </summary>
internal static class MasterRootEndpoint
{
    public const string Path = "/";

    private static readonly string Index = BuildIndex();

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, SlapIdentityGate.Wrap(AnswerAsync)).WithDisplayName("SlapOS master GET /");

    private static Task AnswerAsync(HttpContext context)
    {
        // Asked at request time: MapSlapOSPortal may be called before or after MapSlapOSMaster.
        var portal = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Any(e => e.RoutePattern.RawText == PortalEndpoints.Root);
        if (portal)
        {
            context.Response.Redirect(PortalEndpoints.Root + "/");
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(Index, context.RequestAborted);
    }

    private static string BuildIndex()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("title", "SlapOS master");
            json.WriteStartArray("api_list");
            Api(json, "json", JsonApiOpenApiDocument.Path, "JSON API v0: POST /slapos.<verb>.v0.<object> with a JSON body; this is its OpenAPI document");
            Api(json, "xml", "/getFullComputerInformation", "legacy XML slap API of slapgrid and the slap library (form posts and GETs at the root, e.g. this one)");
            Api(json, "hateoas", HateoasPaths.Root, "HATEOAS subset read by slapos service/computer list and info");
            Api(json, "ca_certificate", OnboardingEndpoints.CaCertificatePath, "the certificate authority's certificate");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Api(Utf8JsonWriter json, string name, string path, string description)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("path", path);
        json.WriteString("description", description);
        json.WriteEndObject();
    }
}
