using System.Security.Cryptography;
using System.Text;

namespace SlapOS.Master.Api.Onboarding;

/// <summary>
/// One-time, expiring onboarding tokens. Only a SHA-256 hash of each token is kept, compared in
/// constant time; tokens live in this process (a restarted master forgets them: create a new one).
/// </summary>
internal sealed class OnboardingTokenStore(TimeProvider time)
{
    /// <summary>The longest a token may live.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    private readonly Lock gate = new();
    private readonly List<Entry> entries = [];

    /// <summary>Creates a token that lets <paramref name="subject"/> obtain its certificate once, within <paramref name="lifetime"/>.</summary>
    public (string Token, DateTimeOffset Expires) Create(SlapIdentity subject, TimeSpan lifetime)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = time.GetUtcNow() + lifetime;
        lock (gate)
        {
            entries.RemoveAll(e => e.Expires <= time.GetUtcNow());
            entries.Add(new Entry(Hash(token), subject, expires));
        }

        return (token, expires);
    }

    /// <summary>
    /// Consumes the token if it was issued for <paramref name="kind"/> <paramref name="reference"/> and is
    /// still valid; answers the identity it was issued for (a person's says whether they administer). A refusal says why.
    /// </summary>
    public SlapIdentity Redeem(IdentityKind kind, string reference, string token)
    {
        var subject = new SlapIdentity(kind, reference);
        var hash = Hash(token);
        lock (gate)
        {
            Entry? match = null;
            foreach (var entry in entries)
            {
                // Every entry is compared, whatever matches, so timing does not tell which hash is close.
                if (CryptographicOperations.FixedTimeEquals(entry.Hash, hash) && entry.Subject.Kind == kind && entry.Subject.Reference == reference)
                {
                    match = entry;
                }
            }

            if (match is null)
            {
                throw new SlapForbiddenException($"registration of {subject.Kind.ToString().ToLowerInvariant()} '{subject.Reference}' refused: the token is unknown or was already used");
            }

            entries.Remove(match);
            if (match.Expires <= time.GetUtcNow())
            {
                throw new SlapForbiddenException($"registration of {subject.Kind.ToString().ToLowerInvariant()} '{subject.Reference}' refused: the token expired at {match.Expires:u}");
            }

            return match.Subject;
        }
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private sealed record Entry(byte[] Hash, SlapIdentity Subject, DateTimeOffset Expires);
}
