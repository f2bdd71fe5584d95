using System.Net;
using Microsoft.AspNetCore.Hosting;
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

            // Obtained at start (CertificateAuthorityStartup) rather than when the host is built, so that the host's own
            // commands (admin issue) run before the CA is touched, an unreadable CA key is reported clearly, and
            // its serial is recorded in a store that is migrated only when the host starts.
            https.ServerCertificateSelector = (_, _) => material.ServerCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.CheckCertificateRevocation = false;
            https.ClientCertificateValidation = (certificate, _, _) => material.IsAcceptedClient(certificate);
        });
        return kestrel;
    }

    /// <summary>
    /// An HTTPS endpoint for onboarding: it presents the master's certificate but asks for no client
    /// certificate, so a node or person without one can exchange an onboarding token
    /// (<c>slapos.post.v0.compute_node_register</c>, <c>slapos.post.v0.person_register</c>). Every other
    /// SlapOS endpoint reached through it answers 403, as for any caller without a certificate.
    /// </summary>
    public static KestrelServerOptions ListenSlapOSOnboarding(this KestrelServerOptions kestrel, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(address, port, listen => listen.UseHttps(https =>
        {
            var material = kestrel.ApplicationServices.GetRequiredService<MasterTlsMaterial>();
            https.ServerCertificateSelector = (_, _) => material.ServerCertificate;
            https.ClientCertificateMode = ClientCertificateMode.NoCertificate;
            https.ClientCertificateValidation = null;
        }));
        return kestrel;
    }
}
