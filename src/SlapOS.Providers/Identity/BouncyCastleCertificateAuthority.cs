using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace SlapOS.Providers.Identity;

/// <summary>
/// The master's certificate authority on BouncyCastle: an ECDSA P-256 CA whose key and certificate live in a
/// directory every master mounts (<see cref="CertificateAuthorityFiles"/>); certificates whose subject says
/// kind (OU) and reference (CN); random positive serial numbers made unique by the shared registry
/// (<see cref="IIdentityStore"/>), which also holds revocations. This process keeps only caches: the revoked
/// serials and the signed CRL, each at most <see cref="BouncyCastleIdentityOptions.RevocationRefreshInterval"/> old.
/// </summary>
internal sealed partial class BouncyCastleCertificateAuthority : ICertificateAuthority, IDisposable
{
    private const string SignatureAlgorithm = "SHA256WITHECDSA";
    private const int MaxSerialAttempts = 8;
    private readonly BouncyCastleIdentityOptions options;
    private readonly IIdentityStore store;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CertificateAuthorityFiles files;
    private readonly SecureRandom random = new();
    private readonly SemaphoreSlim loadGate = new(1, 1);
    private readonly SemaphoreSlim refreshGate = new(1, 1);
    private (X509Certificate Certificate, AsymmetricKeyParameter Key)? ca;
    private volatile RevocationSnapshot? revoked;
    private (DateTimeOffset At, byte[] Der)? crl;

    public BouncyCastleCertificateAuthority(IOptions<BouncyCastleIdentityOptions> options, IIdentityStore store, TimeProvider time, ILogger<BouncyCastleCertificateAuthority>? logger = null)
    {
        this.options = options.Value;
        this.store = store;
        this.time = time;
        this.logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        files = new CertificateAuthorityFiles(this.options.Directory, time, path => LogLeftover(this.logger, path));
        NextSerial = RandomSerial;
    }

    /// <summary>Draws a serial number: 127 random bits, never zero (tests replace it to force collisions).</summary>
    internal Func<BigInteger> NextSerial { get; set; }

    public async Task<IssuedCertificate> IssueAsync(SlapIdentity subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        SlapReference.ValidateTitle(subject.Reference, "reference", SlapReference.MaxReferenceLength);
        var (caCertificate, caKey) = await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false);

        var keys = NewKeyPair();

        // Whole seconds: what the certificate can hold, so the registry says exactly what the certificate says.
        var now = time.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var notBefore = now.AddMinutes(-5);
        var notAfter = now.Add(options.CertificateLifetime);
        var serial = await RegisterSerialAsync(subject, notBefore, notAfter, cancellationToken).ConfigureAwait(false);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(serial);
        generator.SetIssuerDN(caCertificate.SubjectDN);
        generator.SetSubjectDN(SubjectOf(subject));
        generator.SetNotBefore(notBefore);
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
        return new IssuedCertificate(subject, serial.ToString(16), BouncyCastlePem.Of(certificate), BouncyCastlePem.Of(keys.Private), new DateTimeOffset(notAfter, TimeSpan.Zero));
    }

    public async Task RevokeAsync(string serialNumber, CancellationToken cancellationToken)
    {
        var serial = CertificateSerialNumber.Normalize(serialNumber);
        if (!await store.RevokeCertificateAsync(serial, time.GetUtcNow(), RevocationReason.Unspecified, cancellationToken).ConfigureAwait(false))
        {
            throw new SlapException(SlapErrorKind.NotFound, $"no certificate with serial number {serial} was issued by this master");
        }

        // This master sees its own revocation at once; the others within the refresh interval.
        revoked = null;
        crl = null;
    }

    public async ValueTask<bool> IsRevokedAsync(string serialNumber, CancellationToken cancellationToken)
    {
        if (!CertificateSerialNumber.IsValid(serialNumber))
        {
            return true;
        }

        var serials = await RevokedSerialsAsync(cancellationToken).ConfigureAwait(false);
        return serials.Contains(CertificateSerialNumber.Normalize(serialNumber));
    }

    public async Task<byte[]> GetRevocationListAsync(CancellationToken cancellationToken)
    {
        var nowOffset = time.GetUtcNow();
        if (crl is { } cached && nowOffset - cached.At < options.RevocationRefreshInterval)
        {
            return cached.Der;
        }

        var (caCertificate, caKey) = await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false);
        var revokedCertificates = await store.ListRevokedCertificatesAsync(nowOffset, cancellationToken).ConfigureAwait(false);
        var now = nowOffset.UtcDateTime;
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(caCertificate.SubjectDN);
        generator.SetThisUpdate(now);
        generator.SetNextUpdate(now.Add(options.RevocationListLifetime));
        foreach (var certificate in revokedCertificates)
        {
            generator.AddCrlEntry(new BigInteger(certificate.SerialNumber, 16), certificate.RevokedAt!.Value.UtcDateTime, (int)(certificate.RevocationReason ?? RevocationReason.Unspecified));
        }

        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(caCertificate));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(now.Ticks)));
        var der = generator.Generate(new Asn1SignatureFactory(SignatureAlgorithm, caKey, random)).GetEncoded();
        crl = (nowOffset, der);
        return der;
    }

    public async Task<string> GetCaCertificatePemAsync(CancellationToken cancellationToken) =>
        BouncyCastlePem.Of((await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false)).Certificate);

    public void Dispose()
    {
        loadGate.Dispose();
        refreshGate.Dispose();
    }

    /// <summary>Draws serials until the registry takes one (a collision is astronomically rare, but the store decides).</summary>
    private async Task<BigInteger> RegisterSerialAsync(SlapIdentity subject, DateTime notBefore, DateTime notAfter, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxSerialAttempts; attempt++)
        {
            var serial = NextSerial();
            var record = new CertificateRecord(
                CertificateSerialNumber.Normalize(serial.ToString(16)),
                subject,
                new DateTimeOffset(notBefore, TimeSpan.Zero),
                new DateTimeOffset(notAfter, TimeSpan.Zero),
                time.GetUtcNow());
            if (await store.TryAddCertificateAsync(record, cancellationToken).ConfigureAwait(false))
            {
                return serial;
            }

            LogSerialCollision(logger, record.SerialNumber, attempt);
        }

        throw new InvalidOperationException($"no free serial number after {MaxSerialAttempts} draws: the serial source is not random");
    }

    /// <summary>
    /// The revoked serials, never older than the refresh interval: the first handshake after it expires reloads
    /// them from the store (one at a time; the others wait for that reload rather than use a stale list).
    /// </summary>
    private async ValueTask<HashSet<string>> RevokedSerialsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (revoked is { } fresh && now - fresh.At < options.RevocationRefreshInterval)
        {
            return fresh.Serials;
        }

        await refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            now = time.GetUtcNow();
            if (revoked is { } raced && now - raced.At < options.RevocationRefreshInterval)
            {
                return raced.Serials;
            }

            try
            {
                var list = await store.ListRevokedCertificatesAsync(now, cancellationToken).ConfigureAwait(false);
                var snapshot = new RevocationSnapshot(now, list.Select(c => c.SerialNumber).ToHashSet(StringComparer.Ordinal));
                revoked = snapshot;
                return snapshot.Serials;
            }
            catch (Exception e) when ((e is System.Data.Common.DbException or InvalidOperationException || StoreUnavailability.IsUnavailable(e)) && !cancellationToken.IsCancellationRequested && revoked is not null)
            {
                // The store is away: keep the last list (the master cannot serve a request without the store anyway)
                // and try again after one interval, so that handshakes do not each wait for a connection timeout.
                LogRefreshFailed(logger, e);
                var stale = revoked!;
                revoked = stale with { At = now };
                return stale.Serials;
            }
        }
        finally
        {
            refreshGate.Release();
        }
    }

    private async Task<(X509Certificate Certificate, AsymmetricKeyParameter Key)> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        if (ca is { } loaded)
        {
            return loaded;
        }

        await loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ca ??= await files.LoadOrCreateAsync(CreateCa, cancellationToken).ConfigureAwait(false);
            return ca.Value;
        }
        finally
        {
            loadGate.Release();
        }
    }

    private (X509Certificate, AsymmetricKeyParameter) CreateCa()
    {
        var keys = NewKeyPair();
        var now = time.GetUtcNow().UtcDateTime;
        var name = new X509Name($"O=SlapOS,CN={Escape(options.CaName)}");
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerial());
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now.AddMinutes(-5));
        generator.SetNotAfter(now.Add(options.CaLifetime));
        generator.SetPublicKey(keys.Public);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(keys.Public));
        return (generator.Generate(new Asn1SignatureFactory(SignatureAlgorithm, keys.Private, random)), keys.Private);
    }

    /// <summary>127 random bits plus one: positive, never zero, at most 16 octets in DER (RFC 5280 allows 20).</summary>
    private BigInteger RandomSerial() => new BigInteger(127, random).Add(BigInteger.One);

    private AsymmetricCipherKeyPair NewKeyPair()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        return generator.GenerateKeyPair();
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leftover of an interrupted CA creation moved aside or removed: {Path}")]
    private static partial void LogLeftover(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serial number {Serial} was already taken (draw {Attempt}); drawing another")]
    private static partial void LogSerialCollision(ILogger logger, string serial, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the revoked certificates from the store; the last list is kept")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    private sealed record RevocationSnapshot(DateTimeOffset At, HashSet<string> Serials);
}
