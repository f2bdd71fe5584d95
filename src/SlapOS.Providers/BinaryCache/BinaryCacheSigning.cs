using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SlapOS.Providers.BinaryCache;

/// <summary>The trusted certificates and the upload signature key, read once from <see cref="BinaryCacheClientOptions"/>.</summary>
internal sealed class BinaryCacheSigning : IDisposable
{
    private BinaryCacheSigning(IReadOnlyList<X509Certificate2> trusted, RSA? key, IReadOnlyList<string> ignored)
    {
        Trusted = trusted;
        Key = key;
        Ignored = ignored;
    }

    public IReadOnlyList<X509Certificate2> Trusted { get; }

    public RSA? Key { get; }

    /// <summary>Certificates of the list that did not parse (libnetworkcache skips them too).</summary>
    public IReadOnlyList<string> Ignored { get; }

    public static BinaryCacheSigning Load(BinaryCacheClientOptions options)
    {
        var pem = string.Join('\n', new[] { options.SignatureCertificateList ?? string.Empty }
            .Concat(options.SignatureCertificateFiles.Select(File.ReadAllText)));
        var trusted = NetworkcacheSignature.ReadCertificateList(pem, out var ignored);
        RSA? key = null;
        if (!string.IsNullOrWhiteSpace(options.SignaturePrivateKeyFile))
        {
            key = RSA.Create();
            key.ImportFromPem(File.ReadAllText(options.SignaturePrivateKeyFile));
        }

        return new BinaryCacheSigning(trusted, key, ignored);
    }

    /// <summary>Whether a trusted certificate carries the signature key's public key (else our own uploads would never be trusted).</summary>
    public bool KeyIsTrusted()
    {
        if (Key is null)
        {
            return false;
        }

        var publicKey = Key.ExportSubjectPublicKeyInfo();
        return Trusted.Any(c => c.GetRSAPublicKey() is { } rsa && rsa.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey));
    }

    public void Dispose()
    {
        Key?.Dispose();
        foreach (var certificate in Trusted)
        {
            certificate.Dispose();
        }
    }
}
