using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// Establishes who the caller is before any SlapOS endpoint runs. In insecure loopback mode every
/// local caller is an administrator and any other caller is refused; in mutual TLS mode the identity
/// comes from the client certificate that the handshake already checked.
/// </summary>
internal static class SlapIdentityGate
{
    /// <summary>Wraps an endpoint; a lost store anywhere behind it answers 503 (see <see cref="Outage.StoreOutage"/>).</summary>
    public static RequestDelegate Wrap(RequestDelegate next) => Outage.StoreOutage.Wrap(async context =>
    {
        Compatibility.SlapproxyReasonPhrase.Apply(context);
        var mode = context.RequestServices.GetRequiredService<IOptionsMonitor<SlapOSMasterOptions>>().CurrentValue.Security.Mode;
        var identity = mode switch
        {
            SlapOSSecurityMode.InsecureLoopback when LoopbackGuard.IsLoopback(context.Connection.RemoteIpAddress) => SlapIdentity.LoopbackAdmin,
            SlapOSSecurityMode.MutualTls => ClientCertificateIdentity.From(context.Connection.ClientCertificate),
            _ => null,
        };

        // A kept-alive connection outlives its handshake: a certificate revoked since is refused on its next request too.
        var revoked = identity is not null && mode == SlapOSSecurityMode.MutualTls
            && context.RequestServices.GetService<ICertificateAuthority>() is { } authority
            && await authority.IsRevokedAsync(context.Connection.ClientCertificate!.SerialNumber, context.RequestAborted);
        if (identity is null || revoked)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            var reason = revoked ? "this client certificate was revoked"
                : mode == SlapOSSecurityMode.InsecureLoopback
                ? "insecure loopback mode accepts only local callers"
                : "a client certificate issued by this master, naming a SlapOS identity, is required";
            await context.Response.WriteAsync(reason, context.RequestAborted);
            return;
        }

        context.SetSlapIdentity(identity);
        await next(context);
    });
}
