using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Identity;

/// <summary>
/// Renews the computer's certificate (<see cref="SlapMasterClientOptions.CertificateFile"/>) when it expires
/// within <see cref="SlapMasterClientOptions.RenewalWindow"/>: asks the master with the current one, then
/// replaces key and certificate atomically (key 0600). New connections use the new pair.
/// </summary>
internal sealed class ComputerCertificateRenewal(
    ISlapMasterClient master,
    NodeLayout layout,
    IOptions<SlapMasterClientOptions> options,
    TimeProvider time,
    ILogger<ComputerCertificateRenewal> logger)
{
    /// <summary>Renews when due; a failure is logged, not thrown: the current certificate still works until it expires.</summary>
    /// <returns>Whether a new certificate was written.</returns>
    public async Task<bool> RenewIfDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.CertificateFile is not { } certificateFile || settings.KeyFile is not { } keyFile)
        {
            return false;
        }

        // A renewal killed half-way is finished (or its leftovers removed) before anything reads the pair.
        if (CertificateKeyFiles.Recover(certificateFile, keyFile) is { } recovered)
        {
            logger.CertificateFilesRecovered(certificateFile, recovered);
        }

        if (settings.RenewalWindow <= TimeSpan.Zero || !File.Exists(certificateFile))
        {
            return false;
        }

        DateTimeOffset notAfter;
        using (var current = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificateFile, cancellationToken).ConfigureAwait(false)))
        {
            notAfter = new DateTimeOffset(current.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }

        if (notAfter - time.GetUtcNow() > settings.RenewalWindow)
        {
            return false;
        }

        try
        {
            var renewed = await master.RenewComputerCertificateAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
            if (renewed is null)
            {
                return false;
            }

            await CertificateKeyFiles.WriteAsync(
                certificateFile,
                keyFile,
                renewed,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                UnixFileMode.UserRead | UnixFileMode.UserWrite,
                prepare: null,
                cancellationToken).ConfigureAwait(false);
            using var fresh = X509Certificate2.CreateFromPem(renewed.CertificatePem);
            logger.CertificateRenewed(new DateTimeOffset(fresh.NotAfter.ToUniversalTime(), TimeSpan.Zero));
            return true;
        }
        catch (Exception ex) when (ex is SlapException or MasterUnreachableException or IOException or UnauthorizedAccessException)
        {
            logger.CertificateRenewalFailed(notAfter, ex);
            return false;
        }
    }
}
