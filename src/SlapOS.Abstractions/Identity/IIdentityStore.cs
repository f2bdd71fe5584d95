namespace SlapOS;

/// <summary>
/// The master's identity state, shared by every master process over one store: onboarding tokens
/// (hashed, consumed once), the registry of issued certificates (whose serial numbers it keeps unique)
/// and their revocations. Key material is never here: only public registry data.
/// </summary>
public interface IIdentityStore
{
    /// <summary>Keeps a new onboarding token (its hash only); forgets tokens that expired long ago.</summary>
    Task AddOnboardingTokenAsync(OnboardingTokenRecord token, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the token with this hash, issued for <paramref name="kind"/> <paramref name="reference"/>, as used,
    /// in one conditional update: of several masters redeeming it at once, exactly one gets the record. Answers
    /// <see langword="null"/> when it is unknown, issued for someone else or already used; the caller checks expiry.
    /// </summary>
    Task<OnboardingTokenRecord?> ConsumeOnboardingTokenAsync(string tokenHash, IdentityKind kind, string reference, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records an issued certificate; <see langword="false"/> when its serial number is already taken (draw another).</summary>
    Task<bool> TryAddCertificateAsync(CertificateRecord certificate, CancellationToken cancellationToken);

    /// <summary>The certificate with this serial number (canonical hex), or <see langword="null"/>.</summary>
    Task<CertificateRecord?> GetCertificateAsync(string serialNumber, CancellationToken cancellationToken);

    /// <summary>The certificates issued to one subject, newest first.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(IdentityKind kind, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes one certificate from <paramref name="at"/> (a time in the future schedules it; an earlier
    /// revocation is kept). <see langword="false"/> when no certificate has this serial number.
    /// </summary>
    Task<bool> RevokeCertificateAsync(string serialNumber, DateTimeOffset at, RevocationReason reason, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes from <paramref name="at"/> every unexpired certificate of one subject except
    /// <paramref name="exceptSerialNumber"/>; answers how many were revoked.
    /// </summary>
    Task<int> RevokeCertificatesAsync(IdentityKind kind, string reference, string? exceptSerialNumber, DateTimeOffset at, RevocationReason reason, CancellationToken cancellationToken);

    /// <summary>Certificates revoked at or before <paramref name="now"/> that have not expired yet (what a CRL and a handshake need).</summary>
    Task<IReadOnlyList<CertificateRecord>> ListRevokedCertificatesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the registry holds an administrator's certificate valid at <paramref name="now"/> (not expired, not revoked):
    /// a master without one cannot be administered until someone who reads the CA key issues the first.
    /// </summary>
    Task<bool> HasValidAdministratorCertificateAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
