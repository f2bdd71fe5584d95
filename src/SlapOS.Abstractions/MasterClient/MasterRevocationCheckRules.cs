namespace SlapOS;

/// <summary>
/// The one home of the rules on <see cref="MasterRevocationCheck"/>, shared by the node's master client and the
/// federation client of a master: what <see cref="MasterRevocationCheck.Auto"/> means, and which settings each
/// check needs.
/// </summary>
public static class MasterRevocationCheckRules
{
    /// <summary>
    /// The check <paramref name="check"/> stands for: <see cref="MasterRevocationCheck.Auto"/> is
    /// <see cref="MasterRevocationCheck.Master"/> for a JSON API client (<paramref name="json"/>) that has a CA
    /// certificate file, <see cref="MasterRevocationCheck.Off"/> otherwise.
    /// </summary>
    public static MasterRevocationCheck Resolve(MasterRevocationCheck check, bool json, string? caCertificateFile) =>
        check == MasterRevocationCheck.Auto
            ? json && caCertificateFile is not null ? MasterRevocationCheck.Master : MasterRevocationCheck.Off
            : check;

    /// <summary>Why these settings cannot work (a sentence naming the missing key), or <see langword="null"/>.</summary>
    public static string? Problem(MasterRevocationCheck check, string? caCertificateFile, string? revocationListFile)
    {
        if (check is MasterRevocationCheck.Master or MasterRevocationCheck.File && string.IsNullOrEmpty(caCertificateFile))
        {
            return "RevocationCheck Master or File needs CaCertificateFile (the CA that signs the CRL)";
        }

        return check == MasterRevocationCheck.File && (string.IsNullOrEmpty(revocationListFile) || !System.IO.File.Exists(revocationListFile))
            ? "RevocationCheck File needs RevocationListFile, an existing CRL file"
            : null;
    }
}
