using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.X509;

namespace SlapOS.Providers.Identity;

/// <summary>PEM text of certificates and private keys (PKCS#8), as every party reads them.</summary>
internal static class BouncyCastlePem
{
    public static string Of(X509Certificate certificate) => Pem("CERTIFICATE", certificate.GetEncoded());

    public static string Of(AsymmetricKeyParameter key) => Pem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded());

    private static string Pem(string label, byte[] der) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks).ReplaceLineEndings("\n")}\n-----END {label}-----\n";
}
