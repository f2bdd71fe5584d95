using System.CommandLine;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SlapOS.Cli.Commands;
using SlapOS.Cli.Configuration;

namespace SlapOS.Cli.SystemdService;

/// <summary>
/// <c>slapos node service install</c> and <c>slapos master service install</c>: write the hardened systemd unit that
/// runs the published node or master (docs/operations.md), or print it with <c>--dry-run</c>. systemctl is left to
/// the operator (the command says what to run next).
/// </summary>
internal static partial class ServiceInstallCommand
{
    public const string DefaultUnitDirectory = "/etc/systemd/system";

    private static readonly Option<string> UnitDirectory = new("--unit-dir")
    {
        Description = "Where the unit file is written",
        DefaultValueFactory = _ => DefaultUnitDirectory,
    };

    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Print the unit instead of writing it" };

    private static readonly Option<bool> Force = new("--force") { Description = "Replace an existing unit file that differs" };

    private static readonly Option<string?> EnvironmentFile = new("--environment-file")
    {
        Description = "Optional file of KEY=value lines read by systemd after the unit's settings (default /etc/opt/slapos/<name>.env)",
    };

    private static readonly Option<string?> NodeConfigurationFile = new("--node-cfg")
    {
        Description = $"Node configuration (slapos.cfg; default ${NodeConfiguration.EnvironmentVariable} or /etc/opt/slapos/slapos.cfg), turned into the unit's settings",
    };

    private static readonly Option<string> ConfigurationDirectory = new("--config-dir")
    {
        Description = "The master's configuration directory (its appsettings.json), given as --contentRoot",
        DefaultValueFactory = _ => "/etc/opt/slapos/master",
    };

    private static readonly Option<string> User = new("--user")
    {
        Description = "The unprivileged user the master runs as",
        DefaultValueFactory = _ => "slapos",
    };

    /// <summary>The <c>service</c> command of <c>slapos node</c>.</summary>
    public static Command ForNode() => Create("node", "slapos-node", "/opt/slapos/bin/slapos-node");

    /// <summary>The <c>service</c> command of <c>slapos master</c>.</summary>
    public static Command ForMaster() => Create("master", "slapos-master", "/opt/slapos/bin/slapos-master");

    private static Command Create(string role, string defaultName, string defaultExecutable)
    {
        var name = new Option<string>("--name") { Description = "The unit's name", DefaultValueFactory = _ => defaultName };
        var executable = new Option<string>("--exec")
        {
            Description = $"The published {role} executable (dotnet publish -p:PublishProfile=linux-x64)",
            DefaultValueFactory = _ => defaultExecutable,
        };
        var install = new Command("install", $"Write the systemd unit that runs the SlapOS {role} as a service")
        {
            UnitDirectory, name, executable, EnvironmentFile, DryRun, Force,
        };
        if (role == "node")
        {
            install.Options.Add(NodeConfigurationFile);
        }
        else
        {
            install.Options.Add(ConfigurationDirectory);
            install.Options.Add(User);
        }

        install.SetAction(parseResult =>
        {
            var unitName = parseResult.GetValue(name)!;
            if (!UnitName().IsMatch(unitName))
            {
                throw new CliException($"--name '{unitName}' is not a unit name (letters, digits, '-', '_', '.', '@')", 2);
            }

            var exec = Absolute(parseResult.GetValue(executable)!, "--exec");
            var environmentFile = Absolute(parseResult.GetValue(EnvironmentFile) ?? $"/etc/opt/slapos/{unitName}.env", "--environment-file");
            var unit = role == "node"
                ? ServiceUnits.Node(exec, environmentFile, NodeEnvironment(parseResult.GetValue(NodeConfigurationFile)))
                : ServiceUnits.Master(exec, Absolute(parseResult.GetValue(ConfigurationDirectory)!, "--config-dir"), parseResult.GetValue(User)!, environmentFile, []);
            var text = unit.Render();
            var output = parseResult.InvocationConfiguration.Output;
            var json = parseResult.GetValue(GlobalOptions.Json);
            if (parseResult.GetValue(DryRun))
            {
                if (json)
                {
                    Output.Json(output, new JsonObject { ["name"] = unitName + ".service", ["content"] = text });
                }
                else
                {
                    output.Write(text);
                }

                return 0;
            }

            var path = Write(parseResult.GetValue(UnitDirectory)!, unitName + ".service", text, parseResult.GetValue(Force));
            if (json)
            {
                Output.Json(output, new JsonObject { ["name"] = unitName + ".service", ["path"] = path });
            }
            else
            {
                output.WriteLine($"wrote {path}");
                output.WriteLine($"next: systemctl daemon-reload && systemctl enable --now {unitName}");
            }

            return 0;
        });

        var service = new Command("service", $"Run the SlapOS {role} as a systemd service");
        service.Subcommands.Add(install);
        return service;
    }

    /// <summary>
    /// The node's settings from <c>slapos.cfg</c> as the environment the node host reads (<c>SlapOS__Slave__…</c>),
    /// as a daemon. The file must exist: it is what <c>slapos node register</c> wrote.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, string>> NodeEnvironment(string? configurationFile)
    {
        var file = configurationFile ?? NodeConfiguration.DefaultPath;
        if (!File.Exists(file))
        {
            throw new CliException($"node configuration '{file}' does not exist: run 'slapos node register' first, or pass --node-cfg", 2);
        }

        var settings = NodeConfiguration.Load(file, new Dictionary<string, string?>());
        settings["SlapOS:Slave:RunDaemon"] = "true";
        return settings
            .Where(s => s.Value is not null)
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value!))
            .ToList();
    }

    private static string Write(string directory, string fileName, string text, bool force)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException($"unit directory '{directory}' does not exist", 2);
        }

        var path = Path.Combine(Path.GetFullPath(directory), fileName);
        if (File.Exists(path) && File.ReadAllText(path) != text && !force)
        {
            throw new CliException($"{path} exists and differs: compare with --dry-run, then pass --force to replace it", 1);
        }

        // Written whole or not at all: a half-written unit must never be loaded.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string Absolute(string path, string option) =>
        Path.IsPathFullyQualified(path) ? path : throw new CliException($"{option} '{path}' must be an absolute path", 2);

    [GeneratedRegex("^[A-Za-z0-9@._-]{1,200}$")]
    private static partial Regex UnitName();
}
