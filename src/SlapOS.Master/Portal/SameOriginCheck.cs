using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Portal;

/// <summary>
/// Cross-site request forgery defence for the portal's forms. The portal has no cookies: the browser
/// authenticates with its client certificate (or is local in insecure loopback mode), which it would
/// also present on a forged cross-site POST. So a POST must prove it comes from a portal page: its
/// <c>Sec-Fetch-Site</c> is <c>same-origin</c>, or, from a browser that does not send that header, its
/// <c>Origin</c> is this master. A POST with neither header is refused.
/// </summary>
internal static class SameOriginCheck
{
    public static bool Passes(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site == "same-origin";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
