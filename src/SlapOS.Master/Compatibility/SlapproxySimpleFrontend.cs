using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Compatibility;

/// <summary>
/// slapproxy cannot host frontends, so it answers two well-known shared frontend requests itself, pointing the client
/// at the backend (slapos/proxy/db.py); nothing is stored (slapproxy profile only): a "simple" apache-frontend
/// request gets its <c>url</c> back, a KVM VNC frontend request gets a URL built from its <c>host</c> and <c>port</c>.
/// </summary>
internal static class SlapproxySimpleFrontend
{
    /// <summary>The apache-frontend release slapproxy recognises.</summary>
    public const string Release = "http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD:/software/apache-frontend/software.cfg";

    /// <summary>The KVM release whose <c>frontend</c> software type slapproxy recognises.</summary>
    public const string KvmRelease = "http://git.erp5.org/gitweb/slapos.git/blob_plain/refs/tags/slapos-0.92:/software/kvm/software.cfg";

    /// <summary>
    /// slapproxy's unstored answer when <paramref name="request"/> is such a request in the slapproxy profile, else
    /// <see langword="null"/>. Over https slapproxy routes an apache-frontend URL through its own HTTP proxy, which this
    /// master does not have: that request is then served as any other.
    /// </summary>
    public static SoftwareInstance? Answer(HttpContext context, InstanceRequest request)
    {
        if (!request.Shared || !SlapproxyProfile.IsOn(context))
        {
            return null;
        }

        if (request.SoftwareReleaseUrl == Release
            && request.SoftwareType is "" or "RootSoftwareInstance" or InstanceRequest.DefaultSoftwareType
            && request.Parameters.TryGetValue("url", out var url) && url.Length > 0
            && !Api.PublicOrigin.Of(context.Request).StartsWith("https:", StringComparison.Ordinal))
        {
            return Fake(request, "Fake frontend for " + url, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["secure_access"] = url,
                ["domain"] = Authority(url),
            });
        }

        if (request.SoftwareReleaseUrl == KvmRelease && request.SoftwareType == "frontend"
            && request.Parameters.TryGetValue("host", out var host) && host.Length > 0
            && request.Parameters.TryGetValue("port", out var port) && port.Length > 0)
        {
            // The host is an IPv6 address without brackets.
            if (host.Contains(':', StringComparison.Ordinal) && host[0] != '[')
            {
                host = $"[{host}]";
            }

            var vnc = $"https://{host}:{port}/";
            return Fake(request, "Fake KVM VNC frontend for " + vnc, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["url"] = vnc,
                ["domainname"] = host,
                ["port"] = port,
                ["path"] = "/",
            });
        }

        return null;
    }

    private static SoftwareInstance Fake(InstanceRequest request, string partition, IReadOnlyDictionary<string, string> connection)
    {
        var reference = SlapproxyIdentifiers.InstanceGuid(request.Title, string.Empty, shared: true) ?? string.Empty;
        return new SoftwareInstance
        {
            Reference = reference,
            Title = request.Title,
            RequesterReference = request.RequesterReference,
            RootReference = reference,
            SoftwareReleaseUrl = request.SoftwareReleaseUrl,
            SoftwareType = request.SoftwareType,
            Parameters = request.Parameters,
            RequestedState = request.State,
            Shared = true,
            ComputerReference = string.Empty,
            PartitionReference = partition,
            ConnectionParameters = connection,
        };
    }

    /// <summary>The network location of a URL (Python's <c>urlparse(url).netloc</c>).</summary>
    private static string Authority(string url)
    {
        var start = url.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return string.Empty;
        }

        var rest = url[(start + 2)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        return end < 0 ? rest : rest[..end];
    }
}
