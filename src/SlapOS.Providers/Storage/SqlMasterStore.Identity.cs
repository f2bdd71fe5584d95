using System.Data.Common;
using Dapper;

namespace SlapOS.Providers.Storage;

/// <summary>The identity part of the store: onboarding tokens, the certificate registry and revocations.</summary>
internal abstract partial class SqlMasterStore
{
    /// <summary>How long a used or expired token is kept (so that a late redeemer is told why), before it is purged.</summary>
    private static readonly TimeSpan TokenRetention = TimeSpan.FromDays(1);

    public Task AddOnboardingTokenAsync(OnboardingTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return WriteAsync(async (c, tx) =>
        {
            await c.ExecuteAsync(Command("token.purge", new { Before = StoreWords.Micros(token.CreatedAt - TokenRetention) }, tx, cancellationToken)).ConfigureAwait(false);
            return await c.ExecuteAsync(Command("token.insert", OnboardingTokenRow.Parameters(token), tx, cancellationToken)).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<OnboardingTokenRecord?> ConsumeOnboardingTokenAsync(string tokenHash, IdentityKind kind, string reference, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await WriteAsync(
            (c, tx) => c.QueryFirstOrDefaultAsync<OnboardingTokenRow>(Command("token.consume", new { TokenHash = tokenHash, Kind = StoreWords.Of(kind), Reference = reference, Now = StoreWords.Micros(now) }, tx, cancellationToken)),
            cancellationToken).ConfigureAwait(false);
        return row?.ToRecord();
    }

    public async Task<bool> TryAddCertificateAsync(CertificateRecord certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            var added = await WriteAsync((c, tx) => c.ExecuteAsync(Command("certificate.insert", CertificateRow.Parameters(certificate), tx, cancellationToken)), cancellationToken).ConfigureAwait(false);
            return added > 0;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            // Two inserts of one serial at the same instant: the loser is told the serial is taken.
            return false;
        }
    }

    public async Task<CertificateRecord?> GetCertificateAsync(string serialNumber, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QueryFirstOrDefaultAsync<CertificateRow>(Command(Sql["certificate.select"] + " WHERE serial_number = @SerialNumber", new { SerialNumber = serialNumber }, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(IdentityKind kind, string reference, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<CertificateRow>(Command(Sql["certificate.select"] + " WHERE kind = @Kind AND reference = @Reference ORDER BY issued_at DESC, serial_number", new { Kind = StoreWords.Of(kind), Reference = reference }, null, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<bool> RevokeCertificateAsync(string serialNumber, DateTimeOffset at, RevocationReason reason, CancellationToken cancellationToken)
    {
        var changed = await WriteAsync((c, tx) => c.ExecuteAsync(Command("certificate.revoke", new { SerialNumber = serialNumber, At = StoreWords.Micros(at), Reason = StoreWords.Of(reason) }, tx, cancellationToken)), cancellationToken).ConfigureAwait(false);

        // Nothing changed: unknown, or already revoked earlier (which still counts as revoked).
        return changed > 0 || await GetCertificateAsync(serialNumber, cancellationToken).ConfigureAwait(false) is not null;
    }

    public Task<int> RevokeCertificatesAsync(IdentityKind kind, string reference, string? exceptSerialNumber, DateTimeOffset at, RevocationReason reason, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) => c.ExecuteAsync(Command("certificate.revoke-subject", new
        {
            Kind = StoreWords.Of(kind),
            Reference = reference,
            Except = exceptSerialNumber ?? string.Empty,
            Now = StoreWords.Micros(TimeProvider.GetUtcNow()),
            At = StoreWords.Micros(at),
            Reason = StoreWords.Of(reason),
        }, tx, cancellationToken)), cancellationToken);

    public async Task<IReadOnlyList<CertificateRecord>> ListRevokedCertificatesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<CertificateRow>(Command("certificate.revoked", new { Now = StoreWords.Micros(now) }, null, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<bool> HasValidAdministratorCertificateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QueryFirstOrDefaultAsync<CertificateRow>(Command(
            Sql["certificate.select"] + " WHERE admin = 1 AND not_after > @Now AND (revoked_at IS NULL OR revoked_at > @Now)",
            new { Now = StoreWords.Micros(now) }, null, cancellationToken)).ConfigureAwait(false);
        return row is not null;
    }
}
