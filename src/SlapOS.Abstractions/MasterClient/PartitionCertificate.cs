namespace SlapOS;

/// <summary>A partition's certificate and private key as the master hands them to its node, PEM-encoded.</summary>
/// <param name="CertificatePem">The certificate naming the partition's instance.</param>
/// <param name="KeyPem">Its private key.</param>
public sealed record PartitionCertificate(string CertificatePem, string KeyPem);
