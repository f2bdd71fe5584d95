using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS;

/// <summary>Mutual TLS for the master's Kestrel endpoints.</summary>
public static class SlapOSKestrelExtensions
{
    /// <summary>
    /// Every HTTPS endpoint presents the master's certificate (issued by its own CA) and requires a
    /// client certificate issued by that CA, valid and not revoked; any other handshake is refused.
    /// Requires an <see cref="ICertificateAuthority"/> (e.g. <c>UseBouncyCastleIdentity</c>). Call it before
    /// <c>Listen(...)</c>: Kestrel applies HTTPS defaults when an endpoint calls <c>UseHttps()</c>.
    /// </summary>
    public static KestrelServerOptions UseSlapOSMutualTls(this KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.ConfigureHttpsDefaults(https =>
        {
            var material = kestrel.ApplicationServices.GetRequiredService<MasterTlsMaterial>();
            https.ServerCertificate = material.ServerCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.CheckCertificateRevocation = false;
            https.ClientCertificateValidation = (certificate, _, _) => material.IsAcceptedClient(certificate);
        });
        return kestrel;
    }
}
