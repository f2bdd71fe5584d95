namespace SlapOS;

/// <summary>
/// The master's certificate authority: issues, renews and revokes X509 certificates for every
/// party, and publishes the revocation list.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>Issues a certificate whose subject says the kind and reference of <paramref name="subject"/>.</summary>
    Task<IssuedCertificate> IssueAsync(SlapIdentity subject, CancellationToken cancellationToken);

    /// <summary>Revokes a certificate by serial number (hex).</summary>
    Task RevokeAsync(string serialNumber, CancellationToken cancellationToken);

    /// <summary>Whether a certificate was revoked; called at every TLS handshake, so it must be cheap.</summary>
    ValueTask<bool> IsRevokedAsync(string serialNumber, CancellationToken cancellationToken);

    /// <summary>The current certificate revocation list, DER-encoded.</summary>
    Task<byte[]> GetRevocationListAsync(CancellationToken cancellationToken);

    /// <summary>The CA certificate, PEM-encoded.</summary>
    Task<string> GetCaCertificatePemAsync(CancellationToken cancellationToken);
}
