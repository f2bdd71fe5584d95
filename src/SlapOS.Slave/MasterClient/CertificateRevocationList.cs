using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SlapOS.Slave;

/// <summary>
/// An X.509 CRL (RFC 5280, section 5) whose signature was verified against a trusted CA: its issue time, its next
/// update and the serial numbers it revokes. Anything else (a malformed list, an unknown signature algorithm, an
/// issuer not trusted, a bad signature) is an <see cref="InvalidDataException"/> that says which.
/// </summary>
internal sealed class CertificateRevocationList
{
    private const string PemLabel = "X509 CRL";

    private readonly HashSet<string> _revoked;

    private CertificateRevocationList(DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, HashSet<string> revoked)
    {
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        _revoked = revoked;
    }

    /// <summary>When the CA signed this list.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When a newer list is due; past it this one is stale and proves nothing.</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>How many certificates it revokes.</summary>
    public int Count => _revoked.Count;

    /// <summary>Whether the list revokes <paramref name="certificate"/> (by serial number; the issuer was checked when the list was read).</summary>
    public bool Revokes(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return _revoked.Contains(Normalize(Convert.FromHexString(certificate.GetSerialNumberString())));
    }

    /// <summary>Reads a DER or PEM CRL and verifies it was signed by one of <paramref name="trusted"/>.</summary>
    public static CertificateRevocationList Read(ReadOnlySpan<byte> encoded, X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var der = encoded.Length > 0 && encoded[0] == (byte)'-' ? FromPem(encoded) : encoded.ToArray();
        try
        {
            return ReadDer(der, trusted);
        }
        catch (AsnContentException ex)
        {
            throw new InvalidDataException($"not a CRL: {ex.Message}", ex);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"the CRL's signature cannot be checked: {ex.Message}", ex);
        }
    }

    private static byte[] FromPem(ReadOnlySpan<byte> encoded)
    {
        var text = Encoding.ASCII.GetString(encoded);
        if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] != PemLabel)
        {
            throw new InvalidDataException($"not a CRL: a PEM file must hold a \"{PemLabel}\" block");
        }

        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    private static CertificateRevocationList ReadDer(byte[] der, X509Certificate2Collection trusted)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var list = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var signed = list.PeekEncodedValue();
        var tbs = list.ReadSequence();
        var algorithm = ReadAlgorithm(list);
        var signature = list.ReadBitString(out _);
        list.ThrowIfNotEmpty();

        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            _ = tbs.ReadInteger(); // version v2
        }

        if (ReadAlgorithm(tbs) != algorithm)
        {
            throw new InvalidDataException("not a CRL: its two signature algorithms differ");
        }

        var issuer = tbs.ReadEncodedValue();
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = tbs.HasData && IsTime(tbs.PeekTag()) ? ReadTime(tbs) : null;
        var revoked = new HashSet<string>(StringComparer.Ordinal);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                revoked.Add(Normalize(entry.ReadIntegerBytes().Span));
            }
        }

        // The remaining crlExtensions ([0]) say nothing about who is revoked.
        Verify(issuer.Span, signed.Span, algorithm, signature, trusted);
        return new CertificateRevocationList(thisUpdate, nextUpdate, revoked);
    }

    private static void Verify(ReadOnlySpan<byte> issuer, ReadOnlySpan<byte> signed, string algorithm, byte[] signature, X509Certificate2Collection trusted)
    {
        var (isEcdsa, hash) = algorithm switch
        {
            "1.2.840.10045.4.3.2" => (true, HashAlgorithmName.SHA256),
            "1.2.840.10045.4.3.3" => (true, HashAlgorithmName.SHA384),
            "1.2.840.10045.4.3.4" => (true, HashAlgorithmName.SHA512),
            "1.2.840.113549.1.1.11" => (false, HashAlgorithmName.SHA256),
            "1.2.840.113549.1.1.12" => (false, HashAlgorithmName.SHA384),
            "1.2.840.113549.1.1.13" => (false, HashAlgorithmName.SHA512),
            _ => throw new InvalidDataException($"the CRL is signed with an algorithm this node does not accept ({algorithm})"),
        };
        var issuerName = issuer.ToArray();
        var issuers = trusted.Where(ca => ca.SubjectName.RawData.AsSpan().SequenceEqual(issuerName)).ToList();
        if (issuers.Count == 0)
        {
            throw new InvalidDataException($"the CRL's issuer ({new X500DistinguishedName(issuer).Name}) is not the trusted CA");
        }

        foreach (var ca in issuers)
        {
            var valid = isEcdsa
                ? ca.GetECDsaPublicKey() is { } ec && Dispose(ec, ec.VerifyData(signed, signature, hash, DSASignatureFormat.Rfc3279DerSequence))
                : ca.GetRSAPublicKey() is { } rsa && Dispose(rsa, rsa.VerifyData(signed, signature, hash, RSASignaturePadding.Pkcs1));
            if (valid)
            {
                return;
            }
        }

        throw new InvalidDataException("the CRL's signature does not verify with the trusted CA's key");
    }

    private static bool Dispose(IDisposable key, bool result)
    {
        key.Dispose();
        return result;
    }

    private static string ReadAlgorithm(AsnReader reader)
    {
        var identifier = reader.ReadSequence();
        var oid = identifier.ReadObjectIdentifier();

        // Parameters (NULL for RSA, absent for ECDSA) carry nothing for these algorithms.
        return oid;
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    /// <summary>A serial number as upper-case hex without leading zero bytes, however it was encoded.</summary>
    private static string Normalize(ReadOnlySpan<byte> serial)
    {
        var start = 0;
        while (start < serial.Length - 1 && serial[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(serial[start..]);
    }
}
