using System.Security.Cryptography.X509Certificates;

namespace SlapOS.Slave;

/// <summary>Checks the master's TLS certificate against the master's own CA only.</summary>
internal static class MasterCertificate
{
    public static bool ChainsTo(X509Certificate? certificate, X509Certificate2 ca) => ChainsTo(certificate, [ca]);

    /// <summary>Whether the certificate chains to one of <paramref name="bundle"/> (a CA bundle file's certificates).</summary>
    public static bool ChainsTo(X509Certificate? certificate, X509Certificate2Collection bundle)
    {
        if (certificate is null)
        {
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(bundle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        return chain.Build(presented);
    }
}
