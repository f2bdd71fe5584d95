namespace SlapOS.Providers.Storage;

/// <summary>The words kinds and reasons are stored as (states are stored as their wire words, <see cref="SlapStates"/>).</summary>
internal static class StoreWords
{
    /// <summary>An identity kind as stored: its name in lower case ("computer", "partition"...).</summary>
    public static string Of(IdentityKind kind) => kind.ToString().ToLowerInvariant();

    public static IdentityKind IdentityKindOf(string word) => Enum.Parse<IdentityKind>(word, ignoreCase: true);

    /// <summary>A revocation reason as stored: its RFC 5280 name ("keyCompromise", "superseded"...).</summary>
    public static string Of(RevocationReason reason) => reason switch
    {
        RevocationReason.KeyCompromise => "keyCompromise",
        RevocationReason.Superseded => "superseded",
        RevocationReason.CessationOfOperation => "cessationOfOperation",
        RevocationReason.PrivilegeWithdrawn => "privilegeWithdrawn",
        _ => "unspecified",
    };

    public static RevocationReason? RevocationReasonOf(string? word) => word switch
    {
        null => null,
        "keyCompromise" => RevocationReason.KeyCompromise,
        "superseded" => RevocationReason.Superseded,
        "cessationOfOperation" => RevocationReason.CessationOfOperation,
        "privilegeWithdrawn" => RevocationReason.PrivilegeWithdrawn,
        _ => RevocationReason.Unspecified,
    };

    public static long? Micros(DateTimeOffset? at) => at is { } a ? (a.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : null;

    public static long Micros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset? Time(long? micros) => micros is { } m ? DateTimeOffset.UnixEpoch.AddTicks(m * 10) : null;
}
