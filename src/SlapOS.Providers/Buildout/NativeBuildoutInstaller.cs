using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// The embedded software installer: installs releases and deploys instance profiles with the
/// native (C#) buildout engine, in SlapOS's layout (<c>&lt;software_root&gt;/&lt;md5(url)&gt;</c> with
/// <c>.completed</c>; <c>&lt;partition&gt;/buildout.cfg</c> with the <c>[slap-connection]</c> tail).
/// </summary>
internal sealed class NativeBuildoutInstaller : ISoftwareInstaller
{
    public const string LogFileName = ".buildout.log";

    private readonly BuildoutEngine _engine;
    private readonly NativeBuildoutOptions _options;
    private readonly ILogger _logger;

    public NativeBuildoutInstaller(IServiceProvider services, IOptions<NativeBuildoutOptions> options, ILogger<NativeBuildoutInstaller>? logger = null)
        : this(name => services.GetKeyedService<IBuildoutRecipe>(name), options.Value, logger)
    {
    }

    internal NativeBuildoutInstaller(Func<string, IBuildoutRecipe?> recipes, NativeBuildoutOptions options, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _engine = new BuildoutEngine(recipes, _logger);
        _options = options;
    }

    /// <summary>An installer with only the built-in recipes (for tests and tools).</summary>
    internal static NativeBuildoutInstaller WithBuiltInRecipes(NativeBuildoutOptions? options = null, IReadOnlyDictionary<string, Func<IBuildoutRecipe>>? extra = null)
    {
        var recipes = BuiltInRecipes.All.ToDictionary(r => r.Name, r => r.Create, StringComparer.Ordinal);
        foreach (var (name, create) in extra ?? new Dictionary<string, Func<IBuildoutRecipe>>())
        {
            recipes[name] = create;
        }

        return new NativeBuildoutInstaller(name => recipes.TryGetValue(name, out var create) ? create() : null, options ?? new NativeBuildoutOptions());
    }

    public async Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var directory = build.InstallDirectory;
        if (File.Exists(build.CompletedMarker))
        {
            BuildoutLog.SoftwareAlreadyInstalled(_logger, build.SoftwareReleaseUrl, directory);
            return;
        }

        BuildoutLog.InstallingSoftware(_logger, build.SoftwareReleaseUrl, directory);
        var started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(directory);
        var logPath = Path.Combine(directory, LogFileName);
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8);
        await using (log.ConfigureAwait(false))
        {
            try
            {
                var owner = FileOwner.ForUser(build.User);
                // Builds run as the software user: it must be able to write in the install directory.
                owner?.OwnEntry(directory);
                var profile = Path.Combine(directory, "buildout.cfg");
                await File.WriteAllTextAsync(profile, $"[buildout]\nextends = {build.SoftwareReleaseUrl}\n", cancellationToken).ConfigureAwait(false);
                var environment = new BuildoutEnvironment
                {
                    Directory = directory,
                    Downloader = new BuildoutDownloader(_options.DownloadCacheDirectory ?? Path.Combine(build.SoftwareRoot, ".download-cache"), offline: false),
                    Log = log,
                    Owner = owner,
                };
                await _engine.RunAsync(profile, environment, DirectoryOverride(directory), cancellationToken).ConfigureAwait(false);
                await CopyInstanceProfileAsync(build.SoftwareReleaseUrl, directory, environment.Downloader, log, cancellationToken).ConfigureAwait(false);
                await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                owner?.Own(directory);
                await File.WriteAllTextAsync(build.CompletedMarker, string.Empty, cancellationToken).ConfigureAwait(false);
                owner?.Own(build.CompletedMarker);
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                BuildoutLog.SoftwareInstalled(_logger, build.SoftwareReleaseUrl, directory, elapsed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                BuildoutLog.SoftwareFailed(_logger, build.SoftwareReleaseUrl, ex);
                var tail = await FailAsync(log, logPath, ex).ConfigureAwait(false);
                throw new SoftwareInstallerException($"Installing the software release {build.SoftwareReleaseUrl} failed: {ex.Message}", tail, ex);
            }
        }
    }

    /// <summary>The release's instance profile (<c>instance.cfg</c>), which either installer deploys; missing means the release is not installed.</summary>
    internal static string RequireInstanceProfile(InstanceDeployment deployment)
    {
        var instanceProfile = Path.Combine(deployment.SoftwarePath, "instance.cfg");
        if (!File.Exists(instanceProfile))
        {
            throw new SoftwareInstallerException(
                $"The software release {deployment.Instance.SoftwareReleaseUrl} is not correctly installed: missing {instanceProfile}.",
                $"Missing file: {instanceProfile}");
        }

        return instanceProfile;
    }

    public Task RemoveSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var directory = build.InstallDirectory;
        if (Directory.Exists(directory))
        {
            BuildoutLog.RemovingSoftware(_logger, build.SoftwareReleaseUrl, directory);
            DeleteTree(directory);
        }

        return Task.CompletedTask;
    }

    public async Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var partition = deployment.PartitionPath;
        var reference = deployment.Instance.PartitionReference;
        BuildoutLog.DeployingInstance(_logger, reference, deployment.SoftwarePath);
        var started = Stopwatch.GetTimestamp();
        var instanceProfile = RequireInstanceProfile(deployment);

        Directory.CreateDirectory(partition);
        var logPath = Path.Combine(partition, LogFileName);
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8);
        await using (log.ConfigureAwait(false))
        {
            try
            {
                var owner = FileOwner.ForUser(deployment.User);
                var profile = Path.Combine(partition, "buildout.cfg");
                var content = InstanceProfile(deployment, instanceProfile);
                if (!File.Exists(profile) || await File.ReadAllTextAsync(profile, cancellationToken).ConfigureAwait(false) != content)
                {
                    await BuildoutFiles.WriteAsync(profile, content, (UnixFileMode)0b110_100_000, cancellationToken).ConfigureAwait(false);
                }

                var softwareRoot = Path.GetDirectoryName(Path.GetFullPath(deployment.SoftwarePath).TrimEnd(Path.DirectorySeparatorChar)) ?? deployment.SoftwarePath;
                var environment = new BuildoutEnvironment
                {
                    Directory = partition,
                    Downloader = new BuildoutDownloader(_options.DownloadCacheDirectory ?? Path.Combine(softwareRoot, ".download-cache"), offline: true),
                    Log = log,
                    Partition = deployment.Instance,
                    Owner = owner,
                };
                await _engine.RunAsync(profile, environment, DirectoryOverride(partition), cancellationToken).ConfigureAwait(false);
                await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (owner is not null)
                {
                    foreach (var path in new[] { profile, logPath, Path.Combine(partition, ".installed.cfg") })
                    {
                        owner.Own(path);
                    }
                }

                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                BuildoutLog.InstanceDeployed(_logger, reference, elapsed);
                return new InstanceDeploymentResult(
                    environment.ConnectionParameters,
                    environment.SharedConnectionParameters.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)p.Value, StringComparer.Ordinal));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                BuildoutLog.InstanceFailed(_logger, reference, ex);
                var tail = await FailAsync(log, logPath, ex).ConfigureAwait(false);
                throw new SoftwareInstallerException($"Deploying partition {reference} failed: {ex.Message}", tail, ex);
            }
        }
    }

    /// <summary>
    /// <c>buildout.cfg</c> of a partition: the release's instance profile, then the tail slapgrid
    /// adds (<c>[slap-connection]</c> and friends).
    /// </summary>
    internal static string InstanceProfile(InstanceDeployment deployment, string instanceProfile)
    {
        var i = deployment.Instance;
        var url = i.SoftwareReleaseUrl ?? string.Empty;
        var key = deployment.KeyFile ?? string.Empty;
        var cert = deployment.CertificateFile ?? string.Empty;
        return $"""
            [buildout]
            extends = {instanceProfile}
            directory = {deployment.PartitionPath}

            # This is beginning of zc.buildout profile's tail added by slapgrid
            [buildout]
            # put buildout generated binaries in specific directory
            bin-directory = ${"{"}buildout:directory{"}"}/sbin

            # protect software and run parts offline
            offline = true

            [slap-connection]
            computer-id = {i.ComputerReference}
            partition-id = {i.PartitionReference}
            server-url = {deployment.MasterUrl}
            software-release-url = {url}
            key-file = {key}
            cert-file = {cert}
            requested-state = {i.RequestedState.ToWire()}

            [slap_connection]
            # Kept for backward compatiblity
            computer_id = {i.ComputerReference}
            partition_id = {i.PartitionReference}
            server_url = {deployment.MasterUrl}
            software_release_url = {url}
            key_file = {key}
            cert_file = {cert}
            requested_state = {i.RequestedState.ToWire()}

            [storage-configuration]
            storage-home =

            [network-information]
            global-ipv4-network =
            # This is end of zc.buildout profile's tail added by slapgrid

            """;
    }

    private static Dictionary<string, Dictionary<string, string>> DirectoryOverride(string directory) => new(StringComparer.Ordinal)
    {
        ["buildout"] = new(StringComparer.Ordinal) { ["directory"] = directory },
    };

    /// <summary>
    /// The simple convention: a release directory that holds <c>instance.cfg</c> next to
    /// <c>software.cfg</c> provides it, when the software profile did not install one.
    /// </summary>
    internal static async Task CopyInstanceProfileAsync(string url, string directory, BuildoutDownloader downloader, TextWriter log, CancellationToken cancellationToken)
    {
        var target = Path.Combine(directory, "instance.cfg");
        if (File.Exists(target))
        {
            return;
        }

        var (location, _) = BuildoutDownloader.SplitChecksum(url);
        var slash = location.LastIndexOf('/');
        if (slash < 0)
        {
            return;
        }

        var sibling = location[..(slash + 1)] + "instance.cfg";
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                File.Copy(await downloader.FetchAsync(sibling, null, cancellationToken).ConfigureAwait(false), target);
            }
            catch (BuildoutException)
            {
                return; // The release has no instance.cfg next to software.cfg.
            }
        }
        else
        {
            var path = BuildoutDownloader.ToLocalPath(sibling);
            if (!File.Exists(path))
            {
                return;
            }

            File.Copy(path, target);
        }

        await log.WriteLineAsync($"Copied {sibling} to {target}.").ConfigureAwait(false);
    }

    private async Task<string> FailAsync(StreamWriter log, string logPath, Exception exception)
    {
        await log.WriteLineAsync("Error: " + exception.Message).ConfigureAwait(false);
        await log.FlushAsync().ConfigureAwait(false);
        return Tail(logPath, _options.LogTailLines);
    }

    internal static string Tail(string path, int lines)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        // The tail is in the last 64 KiB, whatever the log's size.
        var start = Math.Max(0, stream.Length - 65536);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        var count = all.Length > 0 && all[^1].Length == 0 ? all.Length - 1 : all.Length;
        return string.Join('\n', all.Take(count).Skip(Math.Max(0, count - lines)));
    }

    internal static void DeleteTree(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (UnauthorizedAccessException) when (!OperatingSystem.IsWindows())
        {
            // Builds leave read-only directories (e.g. Go module caches): make them writable, then retry.
            foreach (var d in Directory.EnumerateDirectories(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }).Prepend(directory))
            {
                File.SetUnixFileMode(d, File.GetUnixFileMode(d) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Directory.Delete(directory, recursive: true);
        }
    }
}
