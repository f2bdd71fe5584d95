using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using SlapOS.Slave.Identity;

namespace SlapOS.Slave.Instances;

/// <summary>
/// A partition's certificate and key in <c>&lt;partition&gt;/etc/ssl/partition.{crt,key}</c>: mode 0400 and,
/// when the node runs as root with partition users, owned by the partition's user, so that only the
/// partition's processes can call the master as that partition. Buildout's <c>[slap-connection]</c>
/// names them (<c>key-file</c>, <c>cert-file</c>). The master's CA certificate, when the node has one, is
/// written next to them (<c>master-ca.crt</c>, 0444) so that they verify the master too.
/// </summary>
internal static class PartitionCertificateFiles
{
    /// <summary>A certificate is fetched anew when it expires within this margin or names another instance.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromDays(7);

    public static string CertificatePath(string partitionPath) => Path.Combine(partitionPath, "etc", "ssl", "partition.crt");

    public static string KeyPath(string partitionPath) => Path.Combine(partitionPath, "etc", "ssl", "partition.key");

    public static string CaPath(string partitionPath) => Path.Combine(partitionPath, "etc", "ssl", "master-ca.crt");

    /// <summary>
    /// Whether the files hold a certificate for <paramref name="instanceReference"/>, still good at <paramref name="now"/>,
    /// with its own key. A write stopped half-way is completed or cleaned first.
    /// </summary>
    public static bool AreCurrent(string partitionPath, string instanceReference, DateTimeOffset now)
    {
        var path = CertificatePath(partitionPath);
        CertificateKeyFiles.Recover(path, KeyPath(partitionPath));
        if (!CertificateKeyFiles.MatchOnDisk(path, KeyPath(partitionPath)))
        {
            return false;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == instanceReference
                && certificate.NotAfter.ToUniversalTime() - now.UtcDateTime > RenewalMargin;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    public static async Task WriteAsync(string partitionPath, CertificatePair pair, string? caPem, string? user, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(partitionPath, "etc", "ssl");
        Directory.CreateDirectory(directory);
        Func<string, CancellationToken, Task>? giveToUser = Owned(user) ? (file, ct) => ChownAsync(user!, file, ct) : null;
        await CertificateKeyFiles.WriteAsync(
            CertificatePath(partitionPath),
            KeyPath(partitionPath),
            pair,
            UnixFileMode.UserRead,
            UnixFileMode.UserRead,
            giveToUser,
            cancellationToken).ConfigureAwait(false);
        if (caPem is not null)
        {
            var ca = CaPath(partitionPath);
            await CertificateKeyFiles.WriteTemporaryAsync(
                ca + ".tmp", caPem, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, giveToUser, cancellationToken).ConfigureAwait(false);
            File.Move(ca + ".tmp", ca, overwrite: true);
        }

        if (Owned(user))
        {
            await ChownAsync(user!, Path.Combine(partitionPath, "etc"), cancellationToken).ConfigureAwait(false);
            await ChownAsync(user!, directory, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether files are given to the partition user: only a root node with partition users can.</summary>
    private static bool Owned(string? user) => !string.IsNullOrEmpty(user) && !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    private static async Task ChownAsync(string user, string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("chown") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--no-dereference");
        start.ArgumentList.Add(user + ":");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start) ?? throw new IOException($"cannot run chown for '{path}'");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"cannot give '{path}' to user '{user}': {error.Trim()}");
        }
    }
}
