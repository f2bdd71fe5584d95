using Microsoft.AspNetCore.Routing;
using SlapOS.Master.Api.Json;

namespace SlapOS;

/// <summary>Maps the SlapOS master's HTTP APIs.</summary>
public static class SlapOSEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the JSON API v0, the legacy XML slap API and the HATEOAS subset at the root of
    /// <paramref name="endpoints"/>. Every endpoint first establishes the caller's identity (client
    /// certificate, or loopback in the insecure development mode) and refuses anyone else.
    /// </summary>
    public static IEndpointRouteBuilder MapSlapOSMaster(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        JsonApiEndpoints.Map(endpoints);
        SlapOS.Master.Api.Xml.XmlApiEndpoints.Map(endpoints);
        SlapOS.Master.Api.Onboarding.OnboardingEndpoints.Map(endpoints);
        return endpoints;
    }
}
