namespace SlapOS.Master.Portal;

/// <summary>
/// Which published connection parameters are secrets: their key names a password, secret, key, token
/// or credential. The portal masks them until the reader asks (<c>?show=secrets</c>), so a shared screen
/// or a screenshot does not leak them.
/// </summary>
internal static class ConnectionParameterMask
{
    private static readonly string[] SecretWords = ["password", "passwd", "secret", "key", "token", "credential"];

    public const string Masked = "••••••••";

    public static bool IsSecret(string key) => SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));
}
