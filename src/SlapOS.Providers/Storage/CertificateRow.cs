namespace SlapOS.Providers.Storage;

/// <summary>A <c>certificates</c> row (the registry of issued certificates).</summary>
internal sealed class CertificateRow
{
    public string SerialNumber { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Reference { get; set; } = "";
    public long Admin { get; set; }
    public long NotBefore { get; set; }
    public long NotAfter { get; set; }
    public long IssuedAt { get; set; }
    public long? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }

    public static object Parameters(CertificateRecord certificate) => new
    {
        certificate.SerialNumber,
        Kind = StoreWords.Of(certificate.Subject.Kind),
        certificate.Subject.Reference,
        Admin = certificate.Subject.IsAdmin ? 1L : 0L,
        NotBefore = StoreWords.Micros(certificate.NotBefore),
        NotAfter = StoreWords.Micros(certificate.NotAfter),
        IssuedAt = StoreWords.Micros(certificate.IssuedAt),
    };

    public CertificateRecord ToRecord() => new(
        SerialNumber,
        new SlapIdentity(StoreWords.IdentityKindOf(Kind), Reference, Admin != 0),
        StoreWords.Time(NotBefore)!.Value,
        StoreWords.Time(NotAfter)!.Value,
        StoreWords.Time(IssuedAt)!.Value,
        StoreWords.Time(RevokedAt),
        StoreWords.RevocationReasonOf(RevocationReason));
}
