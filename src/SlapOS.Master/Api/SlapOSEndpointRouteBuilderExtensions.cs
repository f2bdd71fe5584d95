using Microsoft.AspNetCore.Routing;
using SlapOS.Master.Api.Json;

namespace SlapOS;

/// <summary>Maps the SlapOS master's HTTP APIs.</summary>
public static class SlapOSEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the JSON API v0, the legacy XML slap API and the HATEOAS subset at the root of
    /// <paramref name="endpoints"/>. Every endpoint first establishes the caller's identity (client
    /// certificate, or loopback in the insecure development mode) and refuses anyone else. <c>GET /</c>
    /// redirects to the portal when <see cref="MapSlapOSPortal"/> maps it, and names the API roots otherwise.
    /// Also maps <c>/health/live</c> and <c>/health/ready</c> (see <see cref="SlapOSHealthEndpointRouteBuilderExtensions.MapSlapOSHealthChecks"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapSlapOSMaster(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        JsonApiEndpoints.Map(endpoints);
        SlapOS.Master.Api.Xml.XmlApiEndpoints.Map(endpoints);
        SlapOS.Master.Api.Hateoas.HateoasEndpoints.Map(endpoints);
        SlapOS.Master.Api.Onboarding.OnboardingEndpoints.Map(endpoints);
        SlapOS.Master.Api.MasterRootEndpoint.Map(endpoints);
        endpoints.MapSlapOSHealthChecks();
        return endpoints;
    }

    /// <summary>
    /// Maps the master's web portal under <c>/portal</c>: computers, partitions, instance trees, the request
    /// form, supply, usage charts and recent activity, server-rendered with its own stylesheet. It goes through
    /// the same identity gate and authorization rules as the APIs: a person sees what is theirs, an
    /// administrator (every local caller in insecure loopback mode) everything.
    /// </summary>
    public static IEndpointRouteBuilder MapSlapOSPortal(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        SlapOS.Master.Portal.PortalEndpoints.Map(endpoints);
        return endpoints;
    }
}
