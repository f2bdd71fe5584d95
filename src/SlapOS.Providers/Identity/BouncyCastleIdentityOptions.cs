using System.ComponentModel.DataAnnotations;

namespace SlapOS.Providers.Identity;

/// <summary>Options of the master's certificate authority (<c>SlapOS:Master:Identity</c>).</summary>
public sealed class BouncyCastleIdentityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Identity";

    /// <summary>
    /// Where the CA keeps its key (<c>ca.key</c>, mode 0600) and certificate (<c>ca.crt</c>). Several masters mount the
    /// same directory (it may be read-only once the pair exists); issued certificates and revocations are in the store.
    /// </summary>
    [Required]
    public string Directory { get; set; } = string.Empty;

    /// <summary>The CA's common name.</summary>
    [Required]
    public string CaName { get; set; } = "SlapOS Master CA";

    /// <summary>Lifetime of the CA certificate.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan CaLifetime { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>Lifetime of issued certificates.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan CertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long a published revocation list stays valid (its <c>nextUpdate</c>): how often a client should fetch it again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RevocationListLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest this master trusts its cached list of revoked serials (and its signed CRL) before reading the
    /// store again: a certificate revoked on any master is refused here at the next handshake after at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RevocationRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
