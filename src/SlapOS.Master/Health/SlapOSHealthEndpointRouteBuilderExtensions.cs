using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace SlapOS;

/// <summary>Maps the health endpoints load balancers and orchestrators probe.</summary>
public static class SlapOSHealthEndpointRouteBuilderExtensions
{
    /// <summary>The tag of the checks that <c>/health/ready</c> runs (<see cref="SlapOSHealth.ReadyTag"/>, shared with node hosts).</summary>
    public const string ReadyTag = SlapOSHealth.ReadyTag;

    /// <summary>
    /// Maps <c>/health/live</c> (the process serves HTTP: no check runs) and <c>/health/ready</c> (every check
    /// tagged <see cref="ReadyTag"/>: on a master, the store answers and its migrations are applied; on a node host
    /// (<c>AddSlapOSSlave</c>), the master was reachable at the last run and a run succeeded recently; 503 otherwise).
    /// Plain-text answers, no identity: they say nothing about the cloud. <c>MapSlapOSMaster</c> calls it.
    /// </summary>
    public static IEndpointRouteBuilder MapSlapOSHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return endpoints;
    }
}
