namespace SlapOS;

/// <summary>A certificate and its private key as the master hands them to a node (for a partition, or the computer's renewed one), PEM-encoded.</summary>
/// <param name="CertificatePem">The certificate.</param>
/// <param name="KeyPem">Its private key.</param>
public sealed record CertificatePair(string CertificatePem, string KeyPem);
