namespace SlapOS.Providers.Storage;

/// <summary>An <c>onboarding_tokens</c> row: the token's hash, never the token.</summary>
internal sealed class OnboardingTokenRow
{
    public string TokenHash { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Reference { get; set; } = "";
    public long Admin { get; set; }
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }

    public static object Parameters(OnboardingTokenRecord token) => new
    {
        token.TokenHash,
        Kind = StoreWords.Of(token.Subject.Kind),
        token.Subject.Reference,
        Admin = token.Subject.IsAdmin ? 1L : 0L,
        CreatedAt = StoreWords.Micros(token.CreatedAt),
        ExpiresAt = StoreWords.Micros(token.ExpiresAt),
    };

    public OnboardingTokenRecord ToRecord() => new(
        TokenHash,
        new SlapIdentity(StoreWords.IdentityKindOf(Kind), Reference, Admin != 0),
        StoreWords.Time(CreatedAt)!.Value,
        StoreWords.Time(ExpiresAt)!.Value);
}
