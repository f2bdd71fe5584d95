namespace SlapOS.Cli.Configuration;

/// <summary>
/// The client configuration, read as SlapOS reads <c>slapos-client.cfg</c>: an INI file whose
/// <c>[slapos]</c> section holds <c>master_url</c>. Flags override the file.
/// </summary>
internal sealed record ClientConfiguration(string? MasterUrl, string? Path, string? KeyFile = null, string? CertificateFile = null, string? CaFile = null)
{
    public const string EnvironmentVariable = "SLAPOS_CLIENT_CONFIGURATION";

    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path
            ? path
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".slapos", "slapos-client.cfg");

    /// <summary>Loads <paramref name="path"/> (or the default file, when it exists).</summary>
    public static ClientConfiguration Load(string? path)
    {
        var file = path ?? DefaultPath;
        if (!File.Exists(file))
        {
            if (path is not null)
            {
                throw new CliException($"configuration file '{path}' does not exist");
            }

            return new ClientConfiguration(null, null);
        }

        var sections = IniFile.Parse(File.ReadAllLines(file));
        sections.TryGetValue("slapos", out var slapos);
        return new ClientConfiguration(
            slapos?.GetValueOrDefault("master_url"),
            file,
            slapos?.GetValueOrDefault("key_file"),
            slapos?.GetValueOrDefault("cert_file"),
            slapos?.GetValueOrDefault("master_ca_file"));
    }

    /// <summary>Writes a client configuration for <paramref name="masterUrl"/>.</summary>
    public static void Save(string path, string masterUrl, (string Key, string Certificate, string Ca)? files = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var text = $"[slapos]\nmaster_url = {masterUrl}\n";
        if (files is { } f)
        {
            text += $"key_file = {f.Key}\ncert_file = {f.Certificate}\nmaster_ca_file = {f.Ca}\n";
        }

        File.WriteAllText(path, text);
    }
}
