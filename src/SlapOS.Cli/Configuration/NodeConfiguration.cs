namespace SlapOS.Cli.Configuration;

/// <summary>
/// The node configuration, read as SlapOS reads <c>slapos.cfg</c>: <c>[slapos]</c> holds
/// <c>computer_id</c>, <c>master_url</c>, <c>instance_root</c>, <c>software_root</c>; <c>[slapformat]</c>
/// holds <c>partition_amount</c>. Our extra keys choose providers: <c>master_api</c> (json | xml),
/// <c>buildout</c> (native), <c>supervisor</c> (native). Flags override the file.
/// </summary>
internal static class NodeConfiguration
{
    public const string EnvironmentVariable = "SLAPOS_CONFIGURATION";

    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path ? path : "/etc/opt/slapos/slapos.cfg";

    /// <summary>The <c>SlapOS:Slave:*</c> settings from the file (when it exists), then the overrides.</summary>
    public static Dictionary<string, string?> Load(string? path, IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var file = path ?? DefaultPath;
        if (File.Exists(file))
        {
            var sections = IniFile.Parse(File.ReadAllLines(file));
            var slapos = sections.GetValueOrDefault("slapos") ?? [];
            var format = sections.GetValueOrDefault("slapformat") ?? [];
            Map(slapos, "computer_id", "ComputerReference");
            Map(slapos, "master_url", "MasterUrl");
            Map(slapos, "instance_root", "InstanceRoot");
            Map(slapos, "software_root", "SoftwareRoot");
            Map(slapos, "master_api", "MasterApi");
            Map(format, "partition_amount", "PartitionAmount");
            Map(slapos, "key_file", "MasterClient:KeyFile");
            Map(slapos, "cert_file", "MasterClient:CertificateFile");
            Map(slapos, "master_ca_file", "MasterClient:CaCertificateFile");

            void Map(Dictionary<string, string> section, string key, string setting)
            {
                if (section.TryGetValue(key, out var value) && value.Length > 0)
                {
                    settings[$"SlapOS:Slave:{setting}"] = value;
                }
            }
        }
        else if (path is not null)
        {
            throw new CliException($"configuration file '{path}' does not exist", 2);
        }

        foreach (var (key, value) in overrides)
        {
            if (value is not null)
            {
                settings[$"SlapOS:Slave:{key}"] = value;
            }
        }

        settings["SlapOS:Slave:RunDaemon"] = "false";
        settings.TryAdd("SlapOS:Slave:NativeSupervisor:StateDirectory", Path.Combine(settings.GetValueOrDefault("SlapOS:Slave:InstanceRoot") ?? "/srv/slapgrid", ".supervisor"));
        return settings;
    }
}
