using System.Net;

namespace SlapOS.Master.Api.Security;

/// <summary>Loopback checks for the insecure development mode.</summary>
internal static class LoopbackGuard
{
    public static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>Whether a server address (as Kestrel lists it, e.g. <c>http://127.0.0.1:5000</c>) only listens on loopback.</summary>
    public static bool IsLoopbackUrl(string url)
    {
        if (!Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsLoopback(ip));
    }
}
