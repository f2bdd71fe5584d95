using System.Diagnostics;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>
/// What every <see cref="ISoftwareInstaller"/> must do, written against the contract only, with
/// a small release written by the test (software.cfg + instance.cfg) that uses SlapOS recipe
/// names. Derive once per installer (native buildout, real zc.buildout).
/// </summary>
public abstract class SoftwareInstallerConformanceTests : IDisposable
{
    private const string ServerUrl = "http://127.0.0.1:19999/";

    protected SoftwareInstallerConformanceTests()
    {
        Root = Path.Combine(Path.GetTempPath(), "slapos-installer-conformance-" + Guid.NewGuid().ToString("N"));
        SoftwareRoot = Path.Combine(Root, "soft");
        InstanceRoot = Path.Combine(Root, "srv");
        Directory.CreateDirectory(SoftwareRoot);
        Directory.CreateDirectory(InstanceRoot);
    }

    protected string Root { get; }

    protected string SoftwareRoot { get; }

    protected string InstanceRoot { get; }

    /// <summary>The installer under test.</summary>
    protected abstract ISoftwareInstaller CreateInstaller();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>
    /// The test release's instance profile: a service wrapper <c>etc/service/greeter</c> that prints
    /// <c>hello &lt;name&gt;</c> and a published <c>greeting</c>, from the parameter <c>name</c>
    /// (default <c>world</c>). An installer whose recipes differ may override it with the same behaviour.
    /// </summary>
    protected virtual string InstanceProfile => """
            [buildout]
            parts =
              service
              publish-connection-parameter

            [slap-configuration]
            recipe = slapos.cookbook:slapconfiguration
            computer = ${slap-connection:computer-id}
            partition = ${slap-connection:partition-id}
            url = ${slap-connection:server-url}
            key = ${slap-connection:key-file}
            cert = ${slap-connection:cert-file}
            configuration.name = world

            [directory]
            recipe = slapos.cookbook:mkdirectory
            etc = ${buildout:directory}/etc
            service = ${:etc}/service

            [service]
            recipe = slapos.cookbook:wrapper
            command-line = echo hello ${slap-configuration:configuration.name}
            wrapper-path = ${directory:service}/greeter

            [publish-connection-parameter]
            recipe = slapos.cookbook:publish
            greeting = hello ${slap-configuration:configuration.name}
            """;

    /// <summary>Writes a release: software.cfg runs a command that counts builds; instance.cfg makes a service and publishes.</summary>
    protected string WriteRelease(string name = "release", string buildCommand = "echo built >> ${:counter}")
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        var counter = Path.Combine(Root, name + ".builds");
        File.WriteAllText(Path.Combine(directory, "software.cfg"), $"""
            [buildout]
            parts = build

            [build]
            recipe = plone.recipe.command
            counter = {counter}
            command = {buildCommand}
            stop-on-error = true
            """.ReplaceLineEndings("\n"));
        File.WriteAllText(Path.Combine(directory, "instance.cfg"), InstanceProfile.ReplaceLineEndings("\n"));
        return Path.Combine(directory, "software.cfg");
    }

    protected int BuildCount(string name = "release")
    {
        var counter = Path.Combine(Root, name + ".builds");
        return File.Exists(counter) ? File.ReadAllLines(counter).Length : 0;
    }

    protected InstanceDeployment Deployment(SoftwareBuild build, string partition, IReadOnlyDictionary<string, string>? parameters = null) => new()
    {
        Instance = new PartitionInstance
        {
            ComputerReference = "COMP-1",
            PartitionReference = partition,
            InstanceReference = "SOFTINST-1",
            Title = "my instance",
            RootTitle = "my instance",
            SoftwareReleaseUrl = build.SoftwareReleaseUrl,
            RequestedState = RequestedState.Started,
            Parameters = parameters ?? new Dictionary<string, string>(),
            Addresses = [new PartitionAddress("127.0.0.1", "255.0.0.0", "lo")],
            Timestamp = new InstanceTimestamp(1_700_000_000_000_000),
        },
        PartitionPath = Path.Combine(InstanceRoot, partition),
        SoftwarePath = build.InstallDirectory,
        MasterUrl = ServerUrl,
    };

    [Fact]
    public async Task Install_creates_the_md5_directory_with_completed_and_is_skipped_the_second_time()
    {
        var build = new SoftwareBuild(WriteRelease(), SoftwareRoot);
        var installer = CreateInstaller();

        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        await installer.InstallSoftwareAsync(build, CancellationToken.None);

        Assert.Equal(Path.Combine(SoftwareRoot, SoftwareRelease.ComputeInstallDirectoryName(build.SoftwareReleaseUrl)), build.InstallDirectory);
        Assert.True(File.Exists(build.CompletedMarker));
        Assert.True(File.Exists(Path.Combine(build.InstallDirectory, "instance.cfg")));
        Assert.Equal(1, BuildCount());
    }

    [Fact]
    public async Task A_failing_build_throws_with_the_tail_of_its_log_and_is_not_completed()
    {
        var build = new SoftwareBuild(WriteRelease(buildCommand: "echo compiler-says-no-4711; exit 3"), SoftwareRoot);

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => CreateInstaller().InstallSoftwareAsync(build, CancellationToken.None));

        Assert.Contains("compiler-says-no-4711", error.LogTail, StringComparison.Ordinal);
        Assert.False(File.Exists(build.CompletedMarker));
    }

    [Fact]
    public async Task Deploy_writes_buildout_cfg_with_the_slap_connection_tail_and_an_executable_service()
    {
        var build = new SoftwareBuild(WriteRelease(), SoftwareRoot);
        var installer = CreateInstaller();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        var deployment = Deployment(build, "slappart0");

        await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        var profile = await File.ReadAllTextAsync(Path.Combine(deployment.PartitionPath, "buildout.cfg"));
        Assert.Contains("[slap-connection]", profile, StringComparison.Ordinal);
        Assert.Contains("computer-id = COMP-1", profile, StringComparison.Ordinal);
        Assert.Contains("partition-id = slappart0", profile, StringComparison.Ordinal);
        Assert.Contains($"server-url = {ServerUrl}", profile, StringComparison.Ordinal);
        Assert.Contains($"software-release-url = {build.SoftwareReleaseUrl}", profile, StringComparison.Ordinal);
        Assert.Contains("offline = true", profile, StringComparison.Ordinal);

        var service = Path.Combine(deployment.PartitionPath, "etc", "service", "greeter");
        Assert.True(File.Exists(service));
        Assert.False(OperatingSystem.IsWindows(), "SlapOS partitions are Unix.");
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(service) & UnixFileMode.UserExecute) != 0);
        }

        Assert.Equal("hello world", await RunAsync(service));
    }

    [Fact]
    public async Task Deploy_returns_the_published_connection_parameters()
    {
        var build = new SoftwareBuild(WriteRelease(), SoftwareRoot);
        var installer = CreateInstaller();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);

        var first = await installer.DeployInstanceAsync(Deployment(build, "slappart1"), CancellationToken.None);
        var again = await installer.DeployInstanceAsync(Deployment(build, "slappart1"), CancellationToken.None);

        Assert.Equal("hello world", first.ConnectionParameters["greeting"]);
        Assert.Equal("hello world", again.ConnectionParameters["greeting"]);
    }

    [Fact]
    public async Task A_changed_parameter_redeploys()
    {
        var build = new SoftwareBuild(WriteRelease(), SoftwareRoot);
        var installer = CreateInstaller();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        await installer.DeployInstanceAsync(Deployment(build, "slappart2", new Dictionary<string, string> { ["name"] = "alice" }), CancellationToken.None);

        var deployment = Deployment(build, "slappart2", new Dictionary<string, string> { ["name"] = "bob" });
        var result = await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        Assert.Equal("hello bob", result.ConnectionParameters["greeting"]);
        Assert.Equal("hello bob", await RunAsync(Path.Combine(deployment.PartitionPath, "etc", "service", "greeter")));
    }

    [Fact]
    public async Task Remove_deletes_the_release_directory()
    {
        var build = new SoftwareBuild(WriteRelease(), SoftwareRoot);
        var installer = CreateInstaller();
        await installer.InstallSoftwareAsync(build, CancellationToken.None);

        await installer.RemoveSoftwareAsync(build, CancellationToken.None);

        Assert.False(Directory.Exists(build.InstallDirectory));
        await installer.RemoveSoftwareAsync(build, CancellationToken.None);
    }

    private static async Task<string> RunAsync(string executable)
    {
        using var process = Process.Start(new ProcessStartInfo(executable) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
