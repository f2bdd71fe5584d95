using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SlapOS.Cli.Tests;

/// <summary>
/// <c>slapos node service install</c> and <c>slapos master service install</c>: the unit's content, its hardening,
/// writing it to <c>--unit-dir</c> (never to the system's, never calling systemctl) and <c>systemd-analyze verify</c>.
/// </summary>
public sealed partial class ServiceInstallCommandTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("slapos-cli-service-").FullName;

    private string UnitDirectory => Directory.CreateDirectory(Path.Combine(root, "units")).FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SlapCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string NodeConfiguration(string computer = "COMP-SVC-1")
    {
        var path = Path.Combine(root, "slapos.cfg");
        File.WriteAllText(path, $"""
            [slapos]
            computer_id = {computer}
            master_url = https://master.example:5443
            instance_root = /srv/slapgrid
            software_root = /opt/slapgrid
            key_file = /etc/opt/slapos/ssl/computer.key
            cert_file = /etc/opt/slapos/ssl/computer.crt
            master_ca_file = /etc/opt/slapos/ssl/master-ca.crt

            [slapformat]
            partition_amount = 20
            """);
        return path;
    }

    [Fact]
    public async Task Node_dry_run_prints_a_hardened_root_unit_configured_from_slapos_cfg_and_writes_nothing()
    {
        var result = await RunAsync("node", "service", "install", "--dry-run", "--node-cfg", NodeConfiguration(), "--unit-dir", UnitDirectory);

        Assert.True(result.ExitCode == 0, result.Error);
        var unit = result.Output;
        Assert.Empty(Directory.EnumerateFileSystemEntries(UnitDirectory));
        Assert.Equal(["Unit", "Service", "Install"], Sections(unit));
        Assert.Equal("/opt/slapos/bin/slapos-node", Value(unit, "ExecStart"));
        Assert.Equal("root", Value(unit, "User"));
        Assert.Equal("on-failure", Value(unit, "Restart"));
        Assert.Equal("yes", Value(unit, "NoNewPrivileges"));
        Assert.Equal("yes", Value(unit, "ProtectSystem")); // not "full"/"strict": useradd writes /etc
        Assert.Equal("yes", Value(unit, "PrivateTmp"));
        Assert.Equal("yes", Value(unit, "Delegate"));
        Assert.Equal("mixed", Value(unit, "KillMode"));
        Assert.Equal("-/etc/opt/slapos/slapos-node.env", Value(unit, "EnvironmentFile"));
        Assert.Equal("multi-user.target", Value(unit, "WantedBy"));
        Assert.DoesNotContain("PrivateDevices", unit, StringComparison.Ordinal); // taps need /dev/net/tun

        // slapos.cfg becomes the node host's settings, as a daemon.
        var environment = Values(unit, "Environment");
        Assert.Contains("\"SlapOS__Slave__ComputerReference=COMP-SVC-1\"", environment);
        Assert.Contains("\"SlapOS__Slave__MasterUrl=https://master.example:5443\"", environment);
        Assert.Contains("\"SlapOS__Slave__PartitionAmount=20\"", environment);
        Assert.Contains("\"SlapOS__Slave__MasterClient__CaCertificateFile=/etc/opt/slapos/ssl/master-ca.crt\"", environment);
        Assert.Contains("\"SlapOS__Slave__RunDaemon=true\"", environment);
    }

    [Fact]
    public async Task Node_install_writes_the_unit_in_the_unit_dir_and_replaces_a_different_one_only_with_force()
    {
        var configuration = NodeConfiguration();
        var install = await RunAsync("node", "service", "install", "--node-cfg", configuration, "--unit-dir", UnitDirectory, "--name", "trace21-node");

        Assert.True(install.ExitCode == 0, install.Error);
        var path = Path.Combine(UnitDirectory, "trace21-node.service");
        Assert.Equal($"wrote {path}\nnext: systemctl daemon-reload && systemctl enable --now trace21-node\n", install.Output.ReplaceLineEndings("\n"));
        var dryRun = await RunAsync("node", "service", "install", "--node-cfg", configuration, "--name", "trace21-node", "--dry-run");
        Assert.Equal(dryRun.Output, await File.ReadAllTextAsync(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(UnitDirectory));

        // The same unit again is fine; a different one (another computer) needs --force.
        Assert.Equal(0, (await RunAsync("node", "service", "install", "--node-cfg", configuration, "--unit-dir", UnitDirectory, "--name", "trace21-node")).ExitCode);
        var other = NodeConfiguration("COMP-SVC-2");
        var refused = await RunAsync("node", "service", "install", "--node-cfg", other, "--unit-dir", UnitDirectory, "--name", "trace21-node");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("exists and differs", refused.Error, StringComparison.Ordinal);
        Assert.Contains("COMP-SVC-1", await File.ReadAllTextAsync(path), StringComparison.Ordinal);

        var forced = await RunAsync("node", "service", "install", "--node-cfg", other, "--unit-dir", UnitDirectory, "--name", "trace21-node", "--force", "--json");
        Assert.Equal(0, forced.ExitCode);
        using var answer = JsonDocument.Parse(forced.Output);
        Assert.Equal(path, answer.RootElement.GetProperty("path").GetString());
        Assert.Contains("COMP-SVC-2", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFiles(UnitDirectory));
    }

    [Fact]
    public async Task Master_install_writes_an_unprivileged_unit_in_a_read_only_system()
    {
        var install = await RunAsync("master", "service", "install", "--unit-dir", UnitDirectory, "--user", "slapmaster",
            "--exec", "/opt/slapos dotnet/slapos-master", "--config-dir", "/etc/opt/slapos/master");

        Assert.True(install.ExitCode == 0, install.Error);
        var unit = await File.ReadAllTextAsync(Path.Combine(UnitDirectory, "slapos-master.service"));
        Assert.Equal("\"/opt/slapos dotnet/slapos-master\" --contentRoot /etc/opt/slapos/master", Value(unit, "ExecStart"));
        Assert.Equal("slapmaster", Value(unit, "User"));
        Assert.Equal("strict", Value(unit, "ProtectSystem"));
        Assert.Equal("slapos-master", Value(unit, "StateDirectory"));
        Assert.Equal("/var/lib/slapos-master", Value(unit, "WorkingDirectory"));
        Assert.Equal("yes", Value(unit, "NoNewPrivileges"));
        Assert.Equal("yes", Value(unit, "PrivateDevices"));
        Assert.Equal("yes", Value(unit, "ProtectHome"));
        Assert.Equal("CAP_NET_BIND_SERVICE", Value(unit, "CapabilityBoundingSet"));
        Assert.Equal("on-failure", Value(unit, "Restart"));
        Assert.Empty(Values(unit, "Environment"));
    }

    [Theory]
    [InlineData("node", "--exec", "relative/slapos-node", "must be an absolute path")]
    [InlineData("node", "--name", "bad name;rm", "is not a unit name")]
    [InlineData("node", "--unit-dir", "/nonexistent-trace21/units", "does not exist")]
    [InlineData("master", "--config-dir", "etc/master", "must be an absolute path")]
    public async Task Bad_input_is_one_line_and_exit_code_two(string role, string option, string value, string message)
    {
        var args = new List<string> { role, "service", "install", option, value };
        if (option != "--unit-dir")
        {
            args.AddRange(["--unit-dir", UnitDirectory]);
        }

        if (role == "node")
        {
            args.AddRange(["--node-cfg", NodeConfiguration()]);
        }

        var result = await RunAsync([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(UnitDirectory));
    }

    [Fact]
    public async Task A_missing_node_configuration_says_to_register_first()
    {
        var result = await RunAsync("node", "service", "install", "--node-cfg", Path.Combine(root, "none.cfg"), "--unit-dir", UnitDirectory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("run 'slapos node register' first", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_are_escaped_as_systemd_reads_them()
    {
        var configuration = NodeConfiguration("COMP-%h-\"quoted\"");

        var result = await RunAsync("node", "service", "install", "--dry-run", "--node-cfg", configuration);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Environment=\"SlapOS__Slave__ComputerReference=COMP-%%h-\\\"quoted\\\"\"", result.Output, StringComparison.Ordinal);
        Assert.All(result.Output.ReplaceLineEndings("\n").TrimEnd().Split('\n'), line => Assert.Matches(UnitLine(), line));
    }

    [Theory]
    [InlineData("node")]
    [InlineData("master")]
    public async Task Systemd_analyze_verifies_the_units(string role)
    {
        var args = new List<string> { role, "service", "install", "--unit-dir", UnitDirectory, "--exec", "/bin/true", "--name", $"trace21-{role}" };
        if (role == "node")
        {
            args.AddRange(["--node-cfg", NodeConfiguration()]);
        }

        Assert.Equal(0, (await RunAsync([.. args])).ExitCode);

        // systemd-analyze is part of systemd (scripts/test.sh installs it); it warns on stderr about any key or value it
        // does not understand.
        using var verify = Process.Start(new ProcessStartInfo("systemd-analyze", ["verify", "--man=no", Path.Combine(UnitDirectory, $"trace21-{role}.service")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var stderr = await verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync();
        Assert.True(verify.ExitCode == 0, stderr);
        Assert.DoesNotContain($"trace21-{role}.service", stderr, StringComparison.Ordinal);
    }

    private static List<string> Sections(string unit) =>
        [.. unit.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith('[')).Select(l => l.Trim('[', ']'))];

    private static List<string> Values(string unit, string key) =>
        [.. unit.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..])];

    private static string Value(string unit, string key) => Assert.Single(Values(unit, key));

    [GeneratedRegex(@"^(\[[A-Za-z]+\]|# [^\r\n]*|[A-Za-z]+=[^\r\n]*|)$")]
    private static partial Regex UnitLine();
}
