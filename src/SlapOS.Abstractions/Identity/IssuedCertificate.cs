namespace SlapOS;

/// <summary>A certificate and its private key, PEM-encoded.</summary>
/// <param name="Subject">Who it identifies.</param>
/// <param name="SerialNumber">Its serial number (hex).</param>
/// <param name="CertificatePem">The certificate.</param>
/// <param name="PrivateKeyPem">The private key.</param>
/// <param name="NotAfter">When it expires.</param>
public sealed record IssuedCertificate(
    SlapIdentity Subject,
    string SerialNumber,
    string CertificatePem,
    string PrivateKeyPem,
    DateTimeOffset NotAfter);
