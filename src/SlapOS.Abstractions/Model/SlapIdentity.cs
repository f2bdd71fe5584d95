namespace SlapOS;

/// <summary>An authenticated party: what kind it is and its reference.</summary>
/// <param name="Kind">The kind of party.</param>
/// <param name="Reference">Its reference (person id, computer reference, instance reference…).</param>
/// <param name="IsAdmin">Whether the party may do everything.</param>
public sealed record SlapIdentity(IdentityKind Kind, string Reference, bool IsAdmin = false)
{
    /// <summary>The identity used in insecure loopback mode: an administrator.</summary>
    public static SlapIdentity LoopbackAdmin { get; } = new(IdentityKind.Person, "loopback-admin", IsAdmin: true);
}
