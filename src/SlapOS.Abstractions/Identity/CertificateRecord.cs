namespace SlapOS;

/// <summary>One issued certificate in the registry (public data only).</summary>
/// <param name="SerialNumber">Canonical serial number: lower-case hex without leading zeros.</param>
/// <param name="Subject">Who it identifies.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="IssuedAt">When the master issued it.</param>
/// <param name="RevokedAt">When it is (or will be, for a renewal's grace) revoked; <see langword="null"/> if never.</param>
/// <param name="RevocationReason">Why it was revoked.</param>
public sealed record CertificateRecord(
    string SerialNumber,
    SlapIdentity Subject,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset IssuedAt,
    DateTimeOffset? RevokedAt = null,
    RevocationReason? RevocationReason = null)
{
    /// <summary>Whether it is revoked at <paramref name="now"/>.</summary>
    public bool IsRevokedAt(DateTimeOffset now) => RevokedAt is { } at && at <= now;
}
