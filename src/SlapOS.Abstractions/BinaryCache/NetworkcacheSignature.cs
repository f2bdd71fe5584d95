using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SlapOS;

/// <summary>
/// The shadir signature scheme of slapos.libnetworkcache: RSA PKCS#1 v1.5 over the entry's UTF-8
/// bytes with SHA-1, base64-encoded. An entry is trusted when any certificate of the trusted list
/// verifies it. SHA-1 is what every slapgrid signs and checks with; a different digest would make
/// our entries untrusted by real nodes and theirs by ours.
/// </summary>
public static class NetworkcacheSignature
{
    /// <summary>Signs <paramref name="entry"/> with <paramref name="key"/>.</summary>
    public static string Sign(string entry, RSA key)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(key);
#pragma warning disable CA5350 // SHA-1: the networkcache protocol's digest, required for compatibility with slapgrid.
        return Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(entry), HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));
#pragma warning restore CA5350
    }

    /// <summary>Whether a certificate of <paramref name="trusted"/> verifies <paramref name="signature"/> over <paramref name="entry"/>.</summary>
    public static bool Verify(string entry, string signature, IEnumerable<X509Certificate2> trusted)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(trusted);
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }

        byte[] bytes;
        try
        {
            // Older libnetworkcache wrote base64 with line breaks (encodestring); FromBase64String skips white space.
            bytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        var content = Encoding.UTF8.GetBytes(entry);
        foreach (var certificate in trusted)
        {
            using var key = certificate.GetRSAPublicKey();
#pragma warning disable CA5350 // SHA-1: see the type's comment.
            if (key is not null && key.VerifyData(content, bytes, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1))
#pragma warning restore CA5350
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads slapos.cfg's <c>signature-certificate-list</c>: PEM certificates one after the other.
    /// Like libnetworkcache, a certificate that does not parse is skipped (and reported in <paramref name="ignored"/>).
    /// </summary>
    public static IReadOnlyList<X509Certificate2> ReadCertificateList(string pem, out IReadOnlyList<string> ignored)
    {
        ArgumentNullException.ThrowIfNull(pem);
        const string Marker = "-----BEGIN CERTIFICATE-----";
        var certificates = new List<X509Certificate2>();
        var errors = new List<string>();
        foreach (var part in pem.Split(Marker, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                certificates.Add(X509Certificate2.CreateFromPem(Marker + "\n" + part));
            }
            catch (CryptographicException ex)
            {
                errors.Add(ex.Message);
            }
        }

        ignored = errors;
        return certificates;
    }
}
