using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Api;

/// <summary>
/// The scheme, host and path prefix a client used to reach the master, for the absolute URLs the master writes
/// (<c>hateoas_url</c>, HATEOAS links). As slapproxy (werkzeug's ProxyFix with <c>x_proto</c> and <c>x_prefix</c>),
/// a reverse proxy that ends TLS says so with <c>X-Forwarded-Proto</c>, and a sub-path with <c>X-Forwarded-Prefix</c>.
/// Only these headers' safe forms are honoured: they shape links written back to the same caller, nothing else.
/// </summary>
internal static class PublicOrigin
{
    public static string Of(HttpRequest request)
    {
        var scheme = request.Headers["X-Forwarded-Proto"].ToString().Trim().ToLowerInvariant() switch
        {
            "https" => "https",
            "http" => "http",
            _ => request.Scheme,
        };
        var prefix = request.Headers["X-Forwarded-Prefix"].ToString().Trim().TrimEnd('/');
        if (!IsSafePrefix(prefix))
        {
            prefix = string.Empty;
        }

        return $"{scheme}://{request.Host}{prefix}{request.PathBase}";
    }

    /// <summary>A path such as <c>/slapos</c>: segments of letters, digits, <c>-</c>, <c>_</c> and <c>.</c> only, never <c>..</c>.</summary>
    private static bool IsSafePrefix(string prefix) =>
        prefix.Length is > 0 and <= 200
        && prefix[0] == '/'
        && prefix.Split('/').Skip(1).All(s => s.Length > 0 && s != ".." && s != "." && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
}
