namespace SlapOS;

/// <summary>
/// A key, its certificate and the CA certificate as files in one directory: <c>name.key</c> (mode 0600),
/// <c>name.crt</c> and <c>ca.crt</c> (0644). Written by whoever obtains credentials (the CLI's onboarding,
/// the master's administrator bootstrap), so the rule lives here once.
/// </summary>
/// <param name="KeyFile">The private key.</param>
/// <param name="CertificateFile">The certificate.</param>
/// <param name="CaFile">The certificate authority's certificate.</param>
public sealed record CredentialFiles(string KeyFile, string CertificateFile, string CaFile)
{
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Where the files of <paramref name="name"/> are in <paramref name="directory"/> (absolute paths).</summary>
    public static CredentialFiles In(string directory, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var full = Path.GetFullPath(directory);
        return new CredentialFiles(Path.Combine(full, name + ".key"), Path.Combine(full, name + ".crt"), Path.Combine(full, "ca.crt"));
    }

    /// <summary>Whether all three files exist.</summary>
    public bool Exist => File.Exists(KeyFile) && File.Exists(CertificateFile) && File.Exists(CaFile);

    /// <summary>Writes the three files; each is written whole (a temporary file renamed over it), the key never readable by others.</summary>
    public static CredentialFiles Write(string directory, string name, string keyPem, string certificatePem, string caCertificatePem)
    {
        var files = In(directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(files.KeyFile)!);
        WriteFile(files.KeyFile, keyPem, Secret);
        WriteFile(files.CertificateFile, certificatePem, Public);
        WriteFile(files.CaFile, caCertificatePem, Public);
        return files;
    }

    private static void WriteFile(string path, string content, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);

        // Created with its final mode: the key is never readable by others, even for an instant.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
