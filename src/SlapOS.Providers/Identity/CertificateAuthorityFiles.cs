using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.X509;

namespace SlapOS.Providers.Identity;

/// <summary>
/// The CA's key and certificate in its directory (<c>ca.key</c> mode 0600, <c>ca.crt</c>), which every
/// master mounts. Created atomically: both files are written and fsync'd in a temporary directory beside
/// them, then renamed in — the certificate first, the key last, so a <c>ca.key</c> beside a matching
/// <c>ca.crt</c> is the commit point. Creation runs under an exclusive lock file, so two masters starting
/// on an empty shared directory make one CA. Leftovers of a crash (a temporary directory, a key without
/// certificate, a certificate without key — never published, so never trusted) are moved aside at start.
/// A directory that already holds the pair is only read: it may be mounted read-only.
/// </summary>
internal sealed class CertificateAuthorityFiles(string directory, TimeProvider time, Action<string> reportLeftover)
{
    public const string KeyFileName = "ca.key";
    public const string CertificateFileName = "ca.crt";
    private const string LockFileName = "ca.lock";
    private const string TemporaryPrefix = ".ca-new-";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    public string KeyPath => Path.Combine(directory, KeyFileName);

    public string CertificatePath => Path.Combine(directory, CertificateFileName);

    /// <summary>Loads the CA, or creates it with <paramref name="create"/> when the directory holds none.</summary>
    public async Task<(X509Certificate Certificate, AsymmetricKeyParameter Key)> LoadOrCreateAsync(
        Func<(X509Certificate Certificate, AsymmetricKeyParameter Key)> create, CancellationToken cancellationToken)
    {
        if (File.Exists(KeyPath) && File.Exists(CertificatePath))
        {
            return await LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(directory);
        await using var exclusive = await LockAsync(cancellationToken).ConfigureAwait(false);

        // Another master may have created it while this one waited for the lock.
        if (File.Exists(KeyPath) && File.Exists(CertificatePath))
        {
            return await LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        MoveLeftoversAside();
        var created = create();
        await WriteAtomicallyAsync(created.Certificate, created.Key, cancellationToken).ConfigureAwait(false);
        return created;
    }

    private async Task<(X509Certificate, AsymmetricKeyParameter)> LoadAsync(CancellationToken cancellationToken)
    {
        using var keyReader = new StringReader(await File.ReadAllTextAsync(KeyPath, cancellationToken).ConfigureAwait(false));
        var key = new PemReader(keyReader).ReadObject() switch
        {
            AsymmetricCipherKeyPair pair => pair.Private,
            AsymmetricKeyParameter parameter => parameter,
            _ => throw new InvalidOperationException($"{KeyPath} does not hold a private key"),
        };
        var certificate = new X509CertificateParser().ReadCertificate(Encoding.ASCII.GetBytes(await File.ReadAllTextAsync(CertificatePath, cancellationToken).ConfigureAwait(false)))
            ?? throw new InvalidOperationException($"{CertificatePath} does not hold a certificate");
        if (!BelongTogether(certificate, key))
        {
            // Never "repair" this: both files are committed, and one of them is an operator's.
            throw new InvalidOperationException($"{KeyPath} is not the key of {CertificatePath}: restore the matching pair (both files come from one CA)");
        }

        return (certificate, key);
    }

    /// <summary>Whether the key signs what the certificate's public key verifies.</summary>
    internal static bool BelongTogether(X509Certificate certificate, AsymmetricKeyParameter key)
    {
        var probe = Encoding.ASCII.GetBytes("slapos-ca-pair");
        var signer = Org.BouncyCastle.Security.SignerUtilities.GetSigner("SHA256WITHECDSA");
        signer.Init(true, key);
        signer.BlockUpdate(probe, 0, probe.Length);
        var signature = signer.GenerateSignature();
        var verifier = Org.BouncyCastle.Security.SignerUtilities.GetSigner("SHA256WITHECDSA");
        verifier.Init(false, certificate.GetPublicKey());
        verifier.BlockUpdate(probe, 0, probe.Length);
        return verifier.VerifySignature(signature);
    }

    private void MoveLeftoversAside()
    {
        foreach (var temporary in Directory.EnumerateDirectories(directory, TemporaryPrefix + "*"))
        {
            Directory.Delete(temporary, recursive: true);
            reportLeftover(temporary);
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMddTHHmmssfffZ", CultureInfo.InvariantCulture);
        foreach (var path in new[] { KeyPath, CertificatePath })
        {
            if (File.Exists(path))
            {
                // Half a pair was never published: no client trusts it. Kept aside (not deleted) for the operator.
                var aside = $"{path}.partial-{stamp}";
                File.Move(path, aside);
                reportLeftover(aside);
            }
        }
    }

    private async Task WriteAtomicallyAsync(X509Certificate certificate, AsymmetricKeyParameter key, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(directory, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(temporary);
        }
        else
        {
            Directory.CreateDirectory(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // The key is mode 0600 from its creation: never readable by others, not even briefly.
        var keyOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            keyOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await WriteSyncedAsync(Path.Combine(temporary, KeyFileName), keyOptions, BouncyCastlePem.Of(key), cancellationToken).ConfigureAwait(false);
        await WriteSyncedAsync(Path.Combine(temporary, CertificateFileName), new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }, BouncyCastlePem.Of(certificate), cancellationToken).ConfigureAwait(false);
        DirectorySync.Flush(temporary);

        // Certificate first, key last: the key's arrival commits the pair.
        File.Move(Path.Combine(temporary, CertificateFileName), CertificatePath);
        File.Move(Path.Combine(temporary, KeyFileName), KeyPath);
        DirectorySync.Flush(directory);
        Directory.Delete(temporary);
    }

    private static async Task WriteSyncedAsync(string path, FileStreamOptions options, string text, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>An exclusive lock on <c>ca.lock</c> (an OS file lock: released if the process dies).</summary>
    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
