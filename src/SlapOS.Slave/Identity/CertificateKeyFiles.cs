using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SlapOS.Slave.Identity;

/// <summary>
/// A certificate and its key in two files (buildout and the node's options name them separately), written as
/// one unit: both go to <c>.new</c> temporaries, flushed to disk, then the key and the certificate are renamed
/// in that order. A crash at any step leaves a state <see cref="Recover"/> completes or cleans at the next start:
/// only a complete, matching pair is ever put in place, and a key never stays without its certificate.
/// </summary>
internal static class CertificateKeyFiles
{
    public const string PendingSuffix = ".new";

    /// <summary>Whether <paramref name="keyPem"/> is the private key of <paramref name="certificatePem"/>.</summary>
    public static bool Match(string certificatePem, string keyPem)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            return pair.HasPrivateKey;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Whether both files exist and hold a certificate with its own key.</summary>
    public static bool MatchOnDisk(string certificatePath, string keyPath) =>
        File.Exists(certificatePath) && File.Exists(keyPath) && Match(File.ReadAllText(certificatePath), File.ReadAllText(keyPath));

    /// <summary>Writes the pair crash-safely; <paramref name="prepare"/> runs on each temporary before it is renamed (ownership).</summary>
    public static async Task WriteAsync(
        string certificatePath,
        string keyPath,
        CertificatePair pair,
        UnixFileMode certificateMode,
        UnixFileMode keyMode,
        Func<string, CancellationToken, Task>? prepare,
        CancellationToken cancellationToken)
    {
        if (!Match(pair.CertificatePem, pair.KeyPem))
        {
            throw new IOException($"the master sent a key that does not belong to the certificate for '{certificatePath}'; nothing was written");
        }

        await WriteTemporaryAsync(keyPath + PendingSuffix, pair.KeyPem, keyMode, prepare, cancellationToken).ConfigureAwait(false);
        await WriteTemporaryAsync(certificatePath + PendingSuffix, pair.CertificatePem, certificateMode, prepare, cancellationToken).ConfigureAwait(false);
        File.Move(keyPath + PendingSuffix, keyPath, overwrite: true);
        File.Move(certificatePath + PendingSuffix, certificatePath, overwrite: true);
    }

    /// <summary>
    /// Completes or cleans what a crashed <see cref="WriteAsync"/> left: a complete matching pair of temporaries is
    /// put in place, a certificate temporary that matches the key already in place is finished, anything else removed.
    /// </summary>
    /// <returns>What was done, for the log; null when there was nothing to recover.</returns>
    public static string? Recover(string certificatePath, string keyPath)
    {
        var pendingCertificate = certificatePath + PendingSuffix;
        var pendingKey = keyPath + PendingSuffix;
        var hasCertificate = File.Exists(pendingCertificate);
        var hasKey = File.Exists(pendingKey);
        if (!hasCertificate && !hasKey)
        {
            return null;
        }

        if (hasCertificate && hasKey && MatchOnDisk(pendingCertificate, pendingKey))
        {
            File.Move(pendingKey, keyPath, overwrite: true);
            File.Move(pendingCertificate, certificatePath, overwrite: true);
            return "completed an interrupted write of both files";
        }

        if (hasCertificate && !hasKey && File.Exists(keyPath) && MatchOnDisk(pendingCertificate, keyPath))
        {
            File.Move(pendingCertificate, certificatePath, overwrite: true);
            return "completed an interrupted write of the certificate";
        }

        File.Delete(pendingCertificate);
        File.Delete(pendingKey);
        return "removed an incomplete write";
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="temporary"/>, never readable by others while written, flushed
    /// to disk, then <paramref name="prepare"/>d (e.g. given to a partition user) and set to <paramref name="mode"/>: ready
    /// to be renamed into place.
    /// </summary>
    internal static async Task WriteTemporaryAsync(string temporary, string content, UnixFileMode mode, Func<string, CancellationToken, Task>? prepare, CancellationToken cancellationToken)
    {
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Never readable by others, not even while being written.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        if (prepare is not null)
        {
            await prepare(temporary, cancellationToken).ConfigureAwait(false);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, mode);
        }
    }
}
