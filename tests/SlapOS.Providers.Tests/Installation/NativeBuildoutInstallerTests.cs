using System.Diagnostics;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>What the native installer does beyond the contract: ownership, logs, instance profile errors.</summary>
public sealed class NativeBuildoutInstallerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "slapos-native-installer-" + Guid.NewGuid().ToString("N"));

    public NativeBuildoutInstallerTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<string> StatAsync(string format, string path)
    {
        using var process = Process.Start(new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }

    private async Task<(InstanceDeployment Deployment, NativeBuildoutInstaller Installer)> InstalledReleaseAsync(string instanceProfile, string? user = null)
    {
        var release = Path.Combine(_root, "release");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), "[buildout]\nparts =\n");
        await File.WriteAllTextAsync(Path.Combine(release, "instance.cfg"), instanceProfile);
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"));
        var installer = NativeBuildoutInstaller.WithBuiltInRecipes();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        var deployment = new InstanceDeployment
        {
            Instance = new PartitionInstance { ComputerReference = "COMP-1", PartitionReference = "slappart0", SoftwareReleaseUrl = build.SoftwareReleaseUrl, RequestedState = RequestedState.Started },
            PartitionPath = Path.Combine(_root, "srv", "slappart0"),
            SoftwarePath = build.InstallDirectory,
            MasterUrl = "http://127.0.0.1:19998/",
            KeyFile = "/etc/slapos/partition.key",
            CertificateFile = "/etc/slapos/partition.crt",
            User = user,
        };
        return (deployment, installer);
    }

    [Fact]
    public async Task Files_belong_to_the_partition_user_when_running_as_root()
    {
        var (deployment, installer) = await InstalledReleaseAsync(
            "[buildout]\nparts = service\n[service]\nrecipe = wrapper\ncommand-line = true\nwrapper-path = ${buildout:directory}/etc/service/s\n",
            user: "nobody");

        await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        var root = await StatAsync("%u", "/proc/self") == "0" || Environment.UserName == "root";
        var expected = root ? "nobody" : Environment.UserName;
        Assert.Equal(expected, await StatAsync("%U", Path.Combine(deployment.PartitionPath, "etc", "service", "s")));
        Assert.Equal(expected, await StatAsync("%U", Path.Combine(deployment.PartitionPath, "buildout.cfg")));
        Assert.Equal("640", await StatAsync("%a", Path.Combine(deployment.PartitionPath, "buildout.cfg")));
    }

    [Fact]
    public async Task Buildout_cfg_carries_key_and_certificate_files_and_the_requested_state()
    {
        var (deployment, installer) = await InstalledReleaseAsync("[buildout]\nparts =\n");

        await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        var profile = await File.ReadAllTextAsync(Path.Combine(deployment.PartitionPath, "buildout.cfg"));
        Assert.Contains($"extends = {Path.Combine(deployment.SoftwarePath, "instance.cfg")}", profile, StringComparison.Ordinal);
        Assert.Contains("key-file = /etc/slapos/partition.key", profile, StringComparison.Ordinal);
        Assert.Contains("cert-file = /etc/slapos/partition.crt", profile, StringComparison.Ordinal);
        Assert.Contains("requested-state = started", profile, StringComparison.Ordinal);
        Assert.Contains("[slap_connection]", profile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_deployment_throws_with_the_log_tail()
    {
        var (deployment, installer) = await InstalledReleaseAsync("[buildout]\nparts = c\n[c]\nrecipe = command\ncommand = echo partition-broke-0815 >&2; exit 1\nstop-on-error = true\n");

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.DeployInstanceAsync(deployment, CancellationToken.None));

        Assert.Contains("partition-broke-0815", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("slappart0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_recipe_in_the_instance_profile_is_reported_with_recipe_and_section()
    {
        var (deployment, installer) = await InstalledReleaseAsync("[buildout]\nparts = x\n[x]\nrecipe = slapos.cookbook:nothing\n");

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.DeployInstanceAsync(deployment, CancellationToken.None));

        Assert.Contains("slapos.cookbook:nothing", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("[x]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploying_a_release_that_is_not_installed_is_an_error()
    {
        var deployment = new InstanceDeployment
        {
            Instance = new PartitionInstance { ComputerReference = "COMP-1", PartitionReference = "slappart9" },
            PartitionPath = Path.Combine(_root, "srv", "slappart9"),
            SoftwarePath = Path.Combine(_root, "soft", "missing"),
            MasterUrl = "http://127.0.0.1:19998/",
        };

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => NativeBuildoutInstaller.WithBuiltInRecipes().DeployInstanceAsync(deployment, CancellationToken.None));

        Assert.Contains("instance.cfg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_tail_keeps_the_last_lines()
    {
        var log = Path.Combine(_root, "log");
        File.WriteAllLines(log, Enumerable.Range(1, 100).Select(i => $"line {i}"));

        var tail = BuildoutRun.Tail(log, 3);

        Assert.Equal("line 98\nline 99\nline 100", tail);
    }

    [Fact]
    public async Task An_unknown_partition_user_fails_the_deployment_when_running_as_root()
    {
        var (deployment, installer) = await InstalledReleaseAsync("[buildout]\nparts =\n", user: "no-such-slapuser-" + Guid.NewGuid().ToString("N")[..8]);

        if (Environment.UserName == "root")
        {
            var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.DeployInstanceAsync(deployment, CancellationToken.None));
            Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        }
        else
        {
            // Not root: files stay with the running user, the user name is not looked up.
            var result = await installer.DeployInstanceAsync(deployment, CancellationToken.None);
            Assert.Empty(result.ConnectionParameters);
        }
    }

    [Fact]
    public async Task A_release_whose_software_profile_renders_instance_cfg_deploys_it()
    {
        // The usual SlapOS shape: software.cfg renders instance.cfg.in into the install directory,
        // resolving software-time references and keeping $${...} for the instance run.
        var release = Path.Combine(_root, "slapos-style");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), """
            [buildout]
            parts = instance-profile

            [greeter]
            location = ${buildout:directory}/parts/greeter

            [instance-profile]
            recipe = slapos.recipe.template
            url = ${:_profile_base_location_}/instance.cfg.in
            output = ${buildout:directory}/instance.cfg
            """.ReplaceLineEndings("\n"));
        await File.WriteAllTextAsync(Path.Combine(release, "instance.cfg.in"), """
            [buildout]
            parts = publish

            [publish]
            recipe = slapos.cookbook:publish
            software = ${greeter:location}
            partition = $${slap-connection:partition-id}
            """.ReplaceLineEndings("\n"));
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"));
        var installer = NativeBuildoutInstaller.WithBuiltInRecipes();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);

        var result = await installer.DeployInstanceAsync(
            new InstanceDeployment
            {
                Instance = new PartitionInstance { ComputerReference = "COMP-1", PartitionReference = "slappart5", SoftwareReleaseUrl = build.SoftwareReleaseUrl },
                PartitionPath = Path.Combine(_root, "srv", "slappart5"),
                SoftwarePath = build.InstallDirectory,
                MasterUrl = "http://127.0.0.1:19998/",
            },
            CancellationToken.None);

        Assert.Equal(Path.Combine(build.InstallDirectory, "parts", "greeter"), result.ConnectionParameters["software"]);
        Assert.Equal("slappart5", result.ConnectionParameters["partition"]);
    }

    [Fact]
    public async Task Commands_run_as_the_partition_user_when_running_as_root()
    {
        var (deployment, installer) = await InstalledReleaseAsync(
            "[buildout]\nparts = whoami\n[whoami]\nrecipe = command\ncommand = echo \"running-as=$(id -un)\"\nstop-on-error = true\n",
            user: "nobody");

        await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        var expected = Environment.UserName == "root" ? "nobody" : Environment.UserName;
        var log = await File.ReadAllTextAsync(Path.Combine(deployment.PartitionPath, NativeBuildoutInstaller.LogFileName));
        Assert.Contains($"running-as={expected}", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Software_builds_run_as_the_software_user_when_running_as_root()
    {
        var release = Path.Combine(_root, "as-user");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), "[buildout]\nparts = who\n[who]\nrecipe = command\ncommand = id -un > who\nstop-on-error = true\n");
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"), User: "nobody");

        await NativeBuildoutInstaller.WithBuiltInRecipes().InstallSoftwareAsync(build, CancellationToken.None);

        var expected = Environment.UserName == "root" ? "nobody" : Environment.UserName;
        Assert.Equal(expected, (await File.ReadAllTextAsync(Path.Combine(build.InstallDirectory, "who"))).Trim());
        Assert.Equal(expected, await StatAsync("%U", build.CompletedMarker));
    }

    [Fact]
    public async Task Switch_softwaretype_runs_the_profile_of_the_instance_software_type()
    {
        var release = Path.Combine(_root, "typed");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), "[buildout]\nparts =\n");
        await File.WriteAllTextAsync(Path.Combine(release, "instance.cfg"), """
            [buildout]
            parts = switch-softwaretype

            [switch-softwaretype]
            recipe = slapos.cookbook:switch-softwaretype
            default = ${:_profile_base_location_}/instance-default.cfg
            frontend = ${:_profile_base_location_}/instance-frontend.cfg
            """.ReplaceLineEndings("\n"));
        await File.WriteAllTextAsync(Path.Combine(release, "instance-default.cfg"), "[buildout]\nparts = publish\n[publish]\nrecipe = publish\nkind = default\n");
        await File.WriteAllTextAsync(Path.Combine(release, "instance-frontend.cfg"), "[buildout]\nparts = publish\n[publish]\nrecipe = publish\nkind = frontend on ${slap-connection:partition-id}\n");
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"));
        var installer = NativeBuildoutInstaller.WithBuiltInRecipes();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        foreach (var file in new[] { "instance-default.cfg", "instance-frontend.cfg" })
        {
            File.Copy(Path.Combine(release, file), Path.Combine(build.InstallDirectory, file));
        }

        InstanceDeployment Deployment(string type) => new()
        {
            Instance = new PartitionInstance { ComputerReference = "COMP-1", PartitionReference = "slappart6", SoftwareReleaseUrl = build.SoftwareReleaseUrl, SoftwareType = type },
            PartitionPath = Path.Combine(_root, "srv", "slappart6"),
            SoftwarePath = build.InstallDirectory,
            MasterUrl = "http://127.0.0.1:19998/",
        };

        var frontend = await installer.DeployInstanceAsync(Deployment("frontend"), CancellationToken.None);
        var other = await installer.DeployInstanceAsync(Deployment("anything-else"), CancellationToken.None);

        Assert.Equal("frontend on slappart6", frontend.ConnectionParameters["kind"]);
        Assert.Equal("default", other.ConnectionParameters["kind"]);
    }
}
