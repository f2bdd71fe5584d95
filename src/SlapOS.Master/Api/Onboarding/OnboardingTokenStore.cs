using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SlapOS.Master.Api.Onboarding;

/// <summary>
/// One-time, expiring onboarding tokens, kept in the shared store (<see cref="IIdentityStore"/>) as their
/// SHA-256 only: a token made on one master is redeemed on any other, exactly once (one conditional update),
/// and survives a restart. Nothing is cached: every redemption asks the store.
/// </summary>
internal sealed class OnboardingTokenStore(IIdentityStore store, TimeProvider time)
{
    /// <summary>The longest a token may live.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <summary>Creates a token that lets <paramref name="subject"/> obtain its certificate once, within <paramref name="lifetime"/>.</summary>
    public async Task<(string Token, DateTimeOffset Expires)> CreateAsync(SlapIdentity subject, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        await store.AddOnboardingTokenAsync(new OnboardingTokenRecord(Hash(token), subject, now, expires), cancellationToken).ConfigureAwait(false);
        return (token, expires);
    }

    /// <summary>
    /// Consumes the token if it was issued for <paramref name="kind"/> <paramref name="reference"/> and is
    /// still valid; answers the identity it was issued for (a person's says whether they administer). A refusal says why.
    /// </summary>
    public async Task<SlapIdentity> RedeemAsync(IdentityKind kind, string reference, string token, CancellationToken cancellationToken)
    {
        // The store looks the 256-bit hash up by index; the token's entropy, not a constant-time compare, protects it.
        var now = time.GetUtcNow();
        var what = $"registration of {kind.ToString().ToLowerInvariant()} '{reference}' refused";
        var consumed = await store.ConsumeOnboardingTokenAsync(Hash(token), kind, reference, now, cancellationToken).ConfigureAwait(false)
            ?? throw new SlapForbiddenException($"{what}: the token is unknown or was already used");
        if (consumed.ExpiresAt <= now)
        {
            throw new SlapForbiddenException($"{what}: the token expired at {consumed.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}");
        }

        return consumed.Subject;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
