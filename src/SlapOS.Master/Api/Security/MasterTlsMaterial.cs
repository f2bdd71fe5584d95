using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// What the master's TLS endpoint needs from its certificate authority: its own server certificate,
/// and the check of every client certificate (chain to this CA, validity, revocation).
/// </summary>
internal sealed class MasterTlsMaterial : IDisposable
{
    private readonly ICertificateAuthority authority;
    private readonly SlapOSMasterOptions options;
    private readonly ILogger logger;
    private readonly Lazy<X509Certificate2> serverCertificate;
    private readonly Lazy<X509Certificate2> caCertificate;

    /// <summary>Creates the material; certificates are obtained from the authority on first use.</summary>
    public MasterTlsMaterial(ICertificateAuthority authority, IOptions<SlapOSMasterOptions> options, ILogger<MasterTlsMaterial>? logger = null)
    {
        this.authority = authority;
        this.options = options.Value;
        this.logger = logger ?? NullLogger<MasterTlsMaterial>.Instance;
        caCertificate = new(() => X509Certificate2.CreateFromPem(authority.GetCaCertificatePemAsync(default).GetAwaiter().GetResult()));
        serverCertificate = new(IssueServerCertificate);
    }

    /// <summary>The master's TLS server certificate, issued by its own CA.</summary>
    public X509Certificate2 ServerCertificate => serverCertificate.Value;

    /// <summary>The CA certificate clients must trust.</summary>
    public X509Certificate2 CaCertificate => caCertificate.Value;

    /// <summary>
    /// Whether a client certificate may connect: issued by this CA, in its validity period, not revoked. When the store
    /// cannot say whether it is revoked (<see cref="StoreUnavailability"/>), a certificate of this CA is let through: the
    /// identity gate asks again on every request and answers 503 with Retry-After until the store answers, where refusing
    /// the handshake would look like a refused certificate to the client.
    /// </summary>
    public bool IsAcceptedClient(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        if (!chain.Build(certificate))
        {
            return false;
        }

        try
        {
            var revoked = authority.IsRevokedAsync(certificate.SerialNumber, default);
            return !(revoked.IsCompleted ? revoked.Result : revoked.AsTask().GetAwaiter().GetResult());
        }
        catch (Exception e) when (StoreUnavailability.IsUnavailable(e))
        {
            MasterLog.RevocationUnknownAtHandshake(logger, certificate.SerialNumber, e);
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (serverCertificate.IsValueCreated)
        {
            serverCertificate.Value.Dispose();
        }

        if (caCertificate.IsValueCreated)
        {
            caCertificate.Value.Dispose();
        }
    }

    private X509Certificate2 IssueServerCertificate()
    {
        var issued = authority.IssueAsync(new SlapIdentity(IdentityKind.Master, options.Security.ServerName), default).GetAwaiter().GetResult();
        using var pem = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);

        // Kestrel on Linux needs the key in an exportable container to use it for TLS.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
