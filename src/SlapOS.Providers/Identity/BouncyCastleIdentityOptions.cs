using System.ComponentModel.DataAnnotations;

namespace SlapOS.Providers.Identity;

/// <summary>Options of the master's certificate authority (<c>SlapOS:Master:Identity</c>).</summary>
public sealed class BouncyCastleIdentityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Identity";

    /// <summary>Where the CA keeps its key (mode 0600), certificate and revocation list.</summary>
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

    /// <summary>How long a published revocation list stays valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RevocationListLifetime { get; set; } = TimeSpan.FromDays(7);
}
