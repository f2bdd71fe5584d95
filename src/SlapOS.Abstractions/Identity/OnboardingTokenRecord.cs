namespace SlapOS;

/// <summary>An onboarding token as stored: its SHA-256 (hex), never the token itself.</summary>
/// <param name="TokenHash">Lower-case hex SHA-256 of the token.</param>
/// <param name="Subject">Who may redeem it (a person's says whether they administer).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
public sealed record OnboardingTokenRecord(string TokenHash, SlapIdentity Subject, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
