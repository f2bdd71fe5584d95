using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// Establishes who the caller is before any endpoint runs. In insecure loopback mode every local
/// caller is an administrator and any other caller is refused; in mutual TLS mode the identity comes
/// from the client certificate.
/// </summary>
internal sealed class SlapIdentityMiddleware(RequestDelegate next, IOptionsMonitor<SlapOSMasterOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var mode = options.CurrentValue.Security.Mode;
        if (mode == SlapOSSecurityMode.InsecureLoopback && LoopbackGuard.IsLoopback(context.Connection.RemoteIpAddress))
        {
            context.SetSlapIdentity(SlapIdentity.LoopbackAdmin);
            return next(context);
        }

        var identity = mode == SlapOSSecurityMode.MutualTls ? ClientCertificateIdentity.From(context.Connection.ClientCertificate) : null;
        if (identity is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            var reason = mode == SlapOSSecurityMode.InsecureLoopback
                ? "insecure loopback mode accepts only local callers"
                : "a client certificate issued by this master is required";
            return context.Response.WriteAsync(reason, context.RequestAborted);
        }

        context.SetSlapIdentity(identity);
        return next(context);
    }
}
