using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SlapOS.Slave;

/// <summary>
/// The one rule for how a client reaches a SlapOS master over TLS (a node to its master, a master to an external
/// master): the client certificate it presents, and the CA its server certificate must chain to.
/// </summary>
internal static class MasterClientHandler
{
    /// <summary>
    /// A handler presenting <paramref name="certificateFile"/> (with its key) and trusting only <paramref name="caFile"/>'s
    /// certificates when given, and then only a master certificate <paramref name="revocation"/> accepts.
    /// </summary>
    public static SocketsHttpHandler Create(string? certificateFile, string? keyFile, string? caFile, MasterRevocationList? revocation = null)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (certificateFile is not null && keyFile is not null)
        {
            // Read at each handler creation, so a renewed certificate is used by the next handlers.
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        if (caFile is not null)
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                MasterCertificate.ChainsTo(certificate, bundle) && (revocation is null || revocation.Accepts(certificate!));
        }

        return handler;
    }
}
