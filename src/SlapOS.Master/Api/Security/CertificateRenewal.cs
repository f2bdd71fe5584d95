using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// Issuing a computer's or a partition's certificate, for the XML and the JSON API alike: a renewal, so the
/// subject's older certificates are revoked (superseded) after <see cref="SlapOSMasterSecurityOptions.RenewalGrace"/>,
/// time for the node to switch. Without a certificate authority (insecure loopback development, as slapproxy)
/// the pair is empty, as SlapOS answers.
/// </summary>
internal static class CertificateRenewal
{
    /// <summary>A new key and certificate for <paramref name="subject"/>, the caller being already allowed to ask.</summary>
    public static async Task<(string Key, string Certificate)> IssueAsync(IServiceProvider services, SlapIdentity subject, CancellationToken cancellationToken)
    {
        var authority = services.GetService<ICertificateAuthority>();
        if (authority is null)
        {
            return (string.Empty, string.Empty);
        }

        var issued = await authority.IssueAsync(subject, cancellationToken).ConfigureAwait(false);
        var grace = services.GetRequiredService<IOptions<SlapOSMasterOptions>>().Value.Security.RenewalGrace;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await services.GetRequiredService<IIdentityStore>().RevokeCertificatesAsync(
            subject.Kind, subject.Reference, CertificateSerialNumber.Normalize(issued.SerialNumber), now + grace, RevocationReason.Superseded, cancellationToken).ConfigureAwait(false);
        return (issued.PrivateKeyPem, issued.CertificatePem);
    }
}
