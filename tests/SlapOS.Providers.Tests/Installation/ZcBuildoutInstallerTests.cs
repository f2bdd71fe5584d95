using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlapOS.Providers.Buildout;
using SlapOS.Providers.ZcBuildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>What the zc.buildout installer does beyond the contract: the launcher, errors, users, the recipes' options.</summary>
public sealed class ZcBuildoutInstallerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "slapos-zc-buildout-" + Guid.NewGuid().ToString("N"));

    public ZcBuildoutInstallerTests()
    {
        ZcBuildoutPrerequisites.Require();
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => BuildoutRun.DeleteTree(_root);

    private sealed class Builder(IServiceCollection services) : ISlapOSSlaveBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output) + (await error));
    }

    private async Task<(ZcBuildoutInstaller Installer, InstanceDeployment Deployment)> InstalledReleaseAsync(
        string instanceProfile, IReadOnlyDictionary<string, string>? parameters = null, string? user = null, ZcBuildoutOptions? options = null)
    {
        var release = Path.Combine(_root, "release");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), "[buildout]\nparts =\n");
        await File.WriteAllTextAsync(Path.Combine(release, "instance.cfg"), instanceProfile);
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"));
        var installer = new ZcBuildoutInstaller(options ?? new ZcBuildoutOptions());
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        var deployment = new InstanceDeployment
        {
            Instance = new PartitionInstance
            {
                ComputerReference = "COMP-1",
                PartitionReference = "slappart0",
                SoftwareReleaseUrl = build.SoftwareReleaseUrl,
                RequestedState = RequestedState.Started,
                Parameters = parameters ?? new Dictionary<string, string>(),
                SharedInstances = [new SharedInstanceEntry("SHARED-7", "front", "default", new Dictionary<string, string> { ["host"] = "a.example" }, new InstanceTimestamp(1))],
            },
            PartitionPath = Path.Combine(_root, "srv", "slappart0"),
            SoftwarePath = build.InstallDirectory,
            MasterUrl = "http://127.0.0.1:19996/",
            User = user,
        };
        return (installer, deployment);
    }

    [Fact]
    public async Task The_launcher_runs_debians_zc_buildout_on_this_python()
    {
        var (launcher, recipes) = ZcBuildoutSupport.Prepare(Path.Combine(_root, "support"));

        var (exitCode, output) = await RunAsync(ZcBuildoutPrerequisites.Python, launcher, "--version");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("buildout version 2.", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(recipes, "slapos.cookbook.egg-info", "entry_points.txt")));
        Assert.Contains("wrapper = slapos_dotnet_recipes:Wrapper", await File.ReadAllTextAsync(Path.Combine(recipes, "slapos.cookbook.egg-info", "entry_points.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_template_json_filter_escapes_as_system_text_json_does()
    {
        var (_, recipes) = ZcBuildoutSupport.Prepare(Path.Combine(_root, "support"));
        var text = new string(Enumerable.Range(0, 0x300).Select(c => (char)c).ToArray()) + "€\u2028😀 end";
        var start = new ProcessStartInfo(ZcBuildoutPrerequisites.Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import json, sys; sys.path.insert(0, sys.argv[1]); import slapos_dotnet_recipes as r; sys.stdout.write(r._json(json.load(sys.stdin)))");
        start.ArgumentList.Add(recipes);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(System.Text.Json.JsonSerializer.Serialize(text));
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, error);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(text), output);
    }

    [Fact]
    public async Task Preparing_the_support_files_twice_keeps_one_copy()
    {
        var support = Path.Combine(_root, "support");

        var first = ZcBuildoutSupport.Prepare(support);
        var second = ZcBuildoutSupport.Prepare(support);

        Assert.Equal(first, second);
        Assert.Single(Directory.GetDirectories(support));
        Assert.Equal(ZcBuildoutSupport.Resource(ZcBuildoutSupport.LauncherFileName), await File.ReadAllTextAsync(first.Launcher));
    }

    [Fact]
    public async Task A_failing_deployment_reports_the_tail_of_buildouts_log()
    {
        var (installer, deployment) = await InstalledReleaseAsync("[buildout]\nparts = c\n[c]\nrecipe = command\ncommand = echo partition-broke-0815 >&2; exit 1\nstop-on-error = true\n");

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.DeployInstanceAsync(deployment, CancellationToken.None));

        Assert.Contains("partition-broke-0815", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("Error: The command of [c] failed with exit code 1.", error.LogTail, StringComparison.Ordinal);
        Assert.Contains("slappart0", error.Message, StringComparison.Ordinal);
        Assert.Contains("The command of [c] failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_recipe_is_reported_by_buildout()
    {
        var (installer, deployment) = await InstalledReleaseAsync("[buildout]\nparts = x\n[x]\nrecipe = slapos.cookbook:nothing-0815\n");

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.DeployInstanceAsync(deployment, CancellationToken.None));

        Assert.Contains("nothing-0815", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_that_outlives_the_timeout_is_killed_and_reported()
    {
        var release = Path.Combine(_root, "slow");
        Directory.CreateDirectory(release);
        var pidFile = Path.Combine(_root, "slow.pid");
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), $"[buildout]\nparts = c\n[c]\nrecipe = command\ncommand = echo $$ > {pidFile}; exec sleep 600\n");
        // Long enough for buildout to reach the command on a loaded machine (it must start before it can be killed).
        var installer = new ZcBuildoutInstaller(new ZcBuildoutOptions { Timeout = TimeSpan.FromSeconds(15) });
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"));

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.InstallSoftwareAsync(build, CancellationToken.None));

        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not finish within", error.LogTail, StringComparison.Ordinal);
        Assert.False(File.Exists(build.CompletedMarker));
        var pid = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        // SIGKILL is delivered asynchronously: the command is gone (or a zombie) soon after.
        await Eventually.UntilAsync(() => Gone(pid), "the build's command was killed with buildout");
    }

    [Fact]
    public async Task Cancelling_a_build_kills_buildout_and_its_commands()
    {
        var release = Path.Combine(_root, "cancelled");
        Directory.CreateDirectory(release);
        var pidFile = Path.Combine(_root, "cancelled.pid");
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), $"[buildout]\nparts = c\n[c]\nrecipe = command\ncommand = echo $$ > {pidFile}.tmp && mv {pidFile}.tmp {pidFile}; exec sleep 600\n");
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"));
        using var cancellation = new CancellationTokenSource();

        var install = new ZcBuildoutInstaller(new ZcBuildoutOptions()).InstallSoftwareAsync(build, cancellation.Token);
        await Eventually.UntilAsync(() => File.Exists(pidFile), "the build's command started");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => install);
        var pid = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.UntilAsync(() => Gone(pid), "the build's command was killed with buildout");
        Assert.False(File.Exists(build.CompletedMarker));
    }

    [Fact]
    public async Task A_liquid_tag_the_recipes_do_not_render_is_an_error_naming_the_part()
    {
        var (installer, deployment) = await InstalledReleaseAsync("[buildout]\nparts = t\n[t]\nrecipe = template\noutput = ${buildout:directory}/t\ninline = {% if x %}y{% endif %}\n");

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.DeployInstanceAsync(deployment, CancellationToken.None));

        Assert.Contains("The template of [t] uses the Liquid tag", error.Message, StringComparison.Ordinal);
    }

    private static bool Gone(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Fact]
    public async Task A_missing_python_is_a_clear_error()
    {
        var release = Path.Combine(_root, "release");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), "[buildout]\nparts =\n");
        var installer = new ZcBuildoutInstaller(new ZcBuildoutOptions { PythonExecutable = Path.Combine(_root, "no-python3") });

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => installer.InstallSoftwareAsync(new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft")), CancellationToken.None));

        Assert.Contains("no-python3", error.Message, StringComparison.Ordinal);
        Assert.Contains("python3-zc.buildout", error.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialised_parameters_and_shared_instances_reach_the_profile_and_publish_per_shared_instance()
    {
        var (installer, deployment) = await InstalledReleaseAsync(
            """
            [buildout]
            parts = publish publish-shared

            [config]
            recipe = slapos.cookbook:slapconfiguration.serialised

            [publish]
            recipe = slapos.cookbook:publish
            colour = ${config:configuration.colour}
            shared = ${config:slave-instance-list}

            [publish-shared]
            recipe = publish
            -slave-reference = SHARED-7
            url = https://a.example/
            """,
            parameters: new Dictionary<string, string> { ["_"] = "{\"colour\": \"blue\"}" });

        var result = await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        Assert.Equal("blue", result.ConnectionParameters["colour"]);
        Assert.Contains("\"slave_reference\":\"SHARED-7\"", result.ConnectionParameters["shared"], StringComparison.Ordinal);
        Assert.Equal("https://a.example/", result.SharedConnectionParameters["SHARED-7"]["url"]);
        Assert.False(result.ConnectionParameters.ContainsKey("url"));
    }

    [Fact]
    public async Task Buildout_runs_as_the_partition_user_when_the_node_is_root()
    {
        var (installer, deployment) = await InstalledReleaseAsync(
            "[buildout]\nparts = who service\n[who]\nrecipe = command\ncommand = id -un > ${buildout:directory}/who\n[service]\nrecipe = wrapper\ncommand-line = true\nwrapper-path = ${buildout:directory}/etc/service/s\n",
            user: "nobody");

        await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        var root = Environment.UserName == "root";
        var expected = root ? "nobody" : Environment.UserName;
        Assert.Equal(expected, (await File.ReadAllTextAsync(Path.Combine(deployment.PartitionPath, "who"))).Trim());
        var (_, owner) = await RunAsync("stat", "-c", "%U", Path.Combine(deployment.PartitionPath, "etc", "service", "s"));
        Assert.Equal(expected, owner.Trim());
        var (_, profileOwner) = await RunAsync("stat", "-c", "%U %a", Path.Combine(deployment.PartitionPath, "buildout.cfg"));
        Assert.Equal(expected + " 640", profileOwner.Trim());
    }

    [Fact]
    public async Task Software_builds_run_as_the_software_user_when_the_node_is_root()
    {
        var release = Path.Combine(_root, "release-user");
        Directory.CreateDirectory(release);
        await File.WriteAllTextAsync(Path.Combine(release, "software.cfg"), "[buildout]\nparts = who\n[who]\nrecipe = plone.recipe.command\ncommand = id -un > ${buildout:directory}/who\n");
        var build = new SoftwareBuild(Path.Combine(release, "software.cfg"), Path.Combine(_root, "soft"), User: "nobody");

        await new ZcBuildoutInstaller(new ZcBuildoutOptions()).InstallSoftwareAsync(build, CancellationToken.None);

        var expected = Environment.UserName == "root" ? "nobody" : Environment.UserName;
        Assert.Equal(expected, (await File.ReadAllTextAsync(Path.Combine(build.InstallDirectory, "who"))).Trim());
        var (_, owner) = await RunAsync("stat", "-c", "%U", build.CompletedMarker);
        Assert.Equal(expected, owner.Trim());
    }

    [Fact]
    public async Task UseBuildout_replaces_the_installer_registered_before()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        var builder = new Builder(services);
        builder.UseNativeBuildout();

        builder.UseBuildout(o => o.LogTailLines = 7);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<ZcBuildoutInstaller>(provider.GetRequiredService<ISoftwareInstaller>());
        Assert.Single(services, d => d.ServiceType == typeof(ISoftwareInstaller));
        Assert.Equal(7, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ZcBuildoutOptions>>().Value.LogTailLines);
    }
}
