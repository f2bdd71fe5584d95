using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Master.Api.Json;

/// <summary>Certificates handed to computers and partitions by the master's certificate authority.</summary>
internal static class CertificateEndpoints
{
    /// <summary>
    /// Issues a certificate for <paramref name="subject"/>. Without a certificate authority (insecure
    /// loopback development, as slapproxy) the answer is the empty pair SlapOS returns.
    /// </summary>
    public static async Task<object> IssueAsync(HttpContext context, SlapIdentity subject, CancellationToken cancellationToken)
    {
        var authority = context.RequestServices.GetService<ICertificateAuthority>();
        if (authority is null)
        {
            return new Dictionary<string, object?> { ["key"] = string.Empty, ["certificate"] = string.Empty };
        }

        var issued = await authority.IssueAsync(subject, cancellationToken);
        return new Dictionary<string, object?> { ["key"] = issued.PrivateKeyPem, ["certificate"] = issued.CertificatePem };
    }
}
