using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace SlapOS.Master.Administration;

/// <summary>
/// Makes the first administrator: a person certificate with the admin role, issued by the master's own
/// <see cref="ICertificateAuthority"/> (so whatever it records for a certificate applies), written as
/// <c>client.key</c> (0600), <c>client.crt</c> and <c>ca.crt</c>. Idempotent: valid files of the same
/// administrator (same CA, not expiring within a day, not revoked, key matching) are kept.
/// </summary>
internal sealed class AdministratorBootstrap(ICertificateAuthority authority, AdministratorRecord record, TimeProvider time, ILogger<AdministratorBootstrap> logger)
{
    /// <summary>The name of the files (<c>client.key</c>, <c>client.crt</c>), as <c>slapos configure client</c> writes them.</summary>
    public const string FileName = "client";

    public sealed record Outcome(CredentialFiles Files, string SerialNumber, DateTimeOffset NotAfter, bool Reused);

    public async Task<Outcome> IssueAsync(string person, string directory, CancellationToken cancellationToken)
    {
        SlapReference.ValidateTitle(person, "person", SlapReference.MaxReferenceLength);
        var full = Path.GetFullPath(directory);

        // Loads (or, on a master's very first use, creates) the CA: this is where an unreadable key refuses.
        var caPem = await authority.GetCaCertificatePemAsync(cancellationToken).ConfigureAwait(false);
        var files = CredentialFiles.In(full, FileName);
        if (await ReusableAsync(files, person, caPem, cancellationToken).ConfigureAwait(false) is { } kept)
        {
            record.Append(time.GetUtcNow(), "reused", person, kept.SerialNumber, full);
            AdministrationLog.Reused(logger, kept.SerialNumber, person, full);
            return kept;
        }

        var issued = await authority.IssueAsync(new SlapIdentity(IdentityKind.Person, person, IsAdmin: true), cancellationToken).ConfigureAwait(false);
        files = CredentialFiles.Write(full, FileName, issued.PrivateKeyPem, issued.CertificatePem, caPem);
        record.Append(time.GetUtcNow(), "issued", person, issued.SerialNumber, full);
        AdministrationLog.Issued(logger, issued.SerialNumber, person, full);
        return new Outcome(files, issued.SerialNumber, issued.NotAfter, Reused: false);
    }

    private async Task<Outcome?> ReusableAsync(CredentialFiles files, string person, string caPem, CancellationToken cancellationToken)
    {
        if (!files.Exist || !string.Equals(await File.ReadAllTextAsync(files.CaFile, cancellationToken).ConfigureAwait(false), caPem, StringComparison.Ordinal))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            // Fails when the key does not belong to the certificate.
            certificate = X509Certificate2.CreateFromPemFile(files.CertificateFile, files.KeyFile);
        }
        catch (CryptographicException)
        {
            return null;
        }

        using (certificate)
        using (var ca = X509Certificate2.CreateFromPem(caPem))
        {
            var names = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
                .Select(n => (n.GetSingleElementType().FriendlyName, Value: n.GetSingleElementValue()))
                .ToList();
            var isThisAdministrator = names.Contains(("OU", "admin")) && names.Contains(("CN", person));
            var now = time.GetUtcNow();
            if (!isThisAdministrator || certificate.NotAfter.ToUniversalTime() < now.UtcDateTime.AddDays(1) || !ChainsTo(certificate, ca)
                || await authority.IsRevokedAsync(certificate.SerialNumber, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new Outcome(files, certificate.SerialNumber.ToLowerInvariant(), new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), Reused: true);
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
