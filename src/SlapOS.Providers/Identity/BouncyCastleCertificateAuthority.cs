using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace SlapOS.Providers.Identity;

/// <summary>
/// The master's certificate authority on BouncyCastle: an ECDSA P-256 CA created on first use (key
/// file mode 0600) or loaded from its directory; certificates whose subject says kind (OU) and
/// reference (CN); random 128-bit serials; revocations kept in a file and published as a CRL.
/// </summary>
internal sealed class BouncyCastleCertificateAuthority : ICertificateAuthority, IDisposable
{
    private const string SignatureAlgorithm = "SHA256WITHECDSA";
    private readonly BouncyCastleIdentityOptions options;
    private readonly TimeProvider time;
    private readonly SecureRandom random = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private (X509Certificate Certificate, AsymmetricKeyParameter Key)? ca;
    private (DateTime Stamp, HashSet<string> Serials) revokedCache = (DateTime.MinValue, []);

    public BouncyCastleCertificateAuthority(IOptions<BouncyCastleIdentityOptions> options, TimeProvider time)
    {
        this.options = options.Value;
        this.time = time;
    }

    private string KeyPath => Path.Combine(options.Directory, "ca.key");

    private string CertificatePath => Path.Combine(options.Directory, "ca.crt");

    private string RevokedPath => Path.Combine(options.Directory, "revoked.txt");

    public async Task<IssuedCertificate> IssueAsync(SlapIdentity subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        SlapReference.ValidateTitle(subject.Reference, "reference", SlapReference.MaxReferenceLength);
        var (caCertificate, caKey) = await LoadOrCreateAsync(cancellationToken);

        var keys = NewKeyPair();
        var now = time.GetUtcNow().UtcDateTime;
        var generator = new X509V3CertificateGenerator();
        var serial = new BigInteger(128, random).Add(BigInteger.One);
        generator.SetSerialNumber(serial);
        generator.SetIssuerDN(caCertificate.SubjectDN);
        generator.SetSubjectDN(SubjectOf(subject));
        generator.SetNotBefore(now.AddMinutes(-5));
        var notAfter = now.Add(options.CertificateLifetime);
        generator.SetNotAfter(notAfter);
        generator.SetPublicKey(keys.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyAgreement));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, subject.Kind == IdentityKind.Master
            ? new ExtendedKeyUsage(KeyPurposeID.id_kp_serverAuth)
            : new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(caCertificate));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
        if (subject.Kind == IdentityKind.Master)
        {
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames([
                new GeneralName(GeneralName.DnsName, subject.Reference),
                new GeneralName(GeneralName.DnsName, "localhost"),
                new GeneralName(GeneralName.IPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.IPAddress, "::1"),
            ]));
        }

        var certificate = generator.Generate(new Asn1SignatureFactory(SignatureAlgorithm, caKey, random));
        return new IssuedCertificate(subject, serial.ToString(16), ToPem(certificate), ToPem(keys.Private), new DateTimeOffset(notAfter, TimeSpan.Zero));
    }

    public async Task RevokeAsync(string serialNumber, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(serialNumber) || !serialNumber.All(Uri.IsHexDigit) || serialNumber.Length > 64)
        {
            throw new SlapValidationException("serial_number", "must be a hexadecimal serial number");
        }

        await LoadOrCreateAsync(cancellationToken);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{serialNumber.TrimStart('0').ToLowerInvariant()} {time.GetUtcNow():O}\n");
            await File.AppendAllTextAsync(RevokedPath, line, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<bool> IsRevokedAsync(string serialNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);

        // The file is re-read only when it changed, so a handshake costs a stat and a lookup;
        // another master process sharing the directory sees revocations as soon as they are written.
        var stamp = File.Exists(RevokedPath) ? File.GetLastWriteTimeUtc(RevokedPath) : DateTime.MinValue;
        var cache = revokedCache;
        if (cache.Stamp != stamp || (stamp != DateTime.MinValue && cache.Serials.Count == 0))
        {
            var serials = (await ReadRevokedAsync(cancellationToken)).Select(r => r.Serial).ToHashSet(StringComparer.Ordinal);
            cache = (stamp, serials);
            revokedCache = cache;
        }

        return cache.Serials.Contains(serialNumber.TrimStart('0').ToLowerInvariant());
    }

    public async Task<byte[]> GetRevocationListAsync(CancellationToken cancellationToken)
    {
        var (caCertificate, caKey) = await LoadOrCreateAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(caCertificate.SubjectDN);
        generator.SetThisUpdate(now);
        generator.SetNextUpdate(now.Add(options.RevocationListLifetime));
        var revoked = await ReadRevokedAsync(cancellationToken);
        foreach (var (serial, at) in revoked)
        {
            generator.AddCrlEntry(new BigInteger(serial, 16), at.UtcDateTime, CrlReason.PrivilegeWithdrawn);
        }

        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(caCertificate));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(now.Ticks)));
        return generator.Generate(new Asn1SignatureFactory(SignatureAlgorithm, caKey, random)).GetEncoded();
    }

    public async Task<string> GetCaCertificatePemAsync(CancellationToken cancellationToken) =>
        ToPem((await LoadOrCreateAsync(cancellationToken)).Certificate);

    private async Task<IReadOnlyList<(string Serial, DateTimeOffset At)>> ReadRevokedAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(RevokedPath))
        {
            return [];
        }

        var lines = await File.ReadAllLinesAsync(RevokedPath, cancellationToken);
        return lines
            .Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2)
            .Select(p => (p[0], DateTimeOffset.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private async Task<(X509Certificate Certificate, AsymmetricKeyParameter Key)> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        if (ca is { } loaded)
        {
            return loaded;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (ca is { } raced)
            {
                return raced;
            }

            Directory.CreateDirectory(options.Directory);
            if (File.Exists(KeyPath) && File.Exists(CertificatePath))
            {
                using var keyReader = new StringReader(await File.ReadAllTextAsync(KeyPath, cancellationToken));
                var key = new PemReader(keyReader).ReadObject() switch
                {
                    AsymmetricCipherKeyPair pair => pair.Private,
                    AsymmetricKeyParameter parameter => parameter,
                    _ => throw new InvalidOperationException($"{KeyPath} does not hold a private key"),
                };
                var certificate = new X509CertificateParser().ReadCertificate(Encoding.ASCII.GetBytes(await File.ReadAllTextAsync(CertificatePath, cancellationToken)));
                ca = (certificate, key);
            }
            else
            {
                ca = await CreateCaAsync(cancellationToken);
            }

            return ca.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(X509Certificate, AsymmetricKeyParameter)> CreateCaAsync(CancellationToken cancellationToken)
    {
        var keys = NewKeyPair();
        var now = time.GetUtcNow().UtcDateTime;
        var name = new X509Name($"O=SlapOS,CN={Escape(options.CaName)}");
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(128, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now.AddMinutes(-5));
        generator.SetNotAfter(now.Add(options.CaLifetime));
        generator.SetPublicKey(keys.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
        var certificate = generator.Generate(new Asn1SignatureFactory(SignatureAlgorithm, keys.Private, random));

        // The key is written with mode 0600 from its creation: never readable by others, not even briefly.
        var keyOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var keyFile = new FileStream(KeyPath, keyOptions))
        await using (var writer = new StreamWriter(keyFile))
        {
            await writer.WriteAsync(ToPem(keys.Private).AsMemory(), cancellationToken);
        }

        await File.WriteAllTextAsync(CertificatePath, ToPem(certificate), cancellationToken);
        return (certificate, keys.Private);
    }

    private AsymmetricCipherKeyPair NewKeyPair()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        return generator.GenerateKeyPair();
    }

    public void Dispose() => gate.Dispose();

    private static X509Name SubjectOf(SlapIdentity subject)
    {
        var kind = subject.IsAdmin ? "admin" : subject.Kind.ToString().ToLowerInvariant();
        return new X509Name($"O=SlapOS,OU={kind},CN={Escape(subject.Reference)}");
    }

    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' or '#')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string ToPem(X509Certificate certificate) => Pem("CERTIFICATE", certificate.GetEncoded());

    private static string ToPem(AsymmetricKeyParameter key) => Pem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded());

    private static string Pem(string label, byte[] der) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks).ReplaceLineEndings("\n")}\n-----END {label}-----\n";
}
