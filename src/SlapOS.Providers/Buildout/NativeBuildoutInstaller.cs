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
    public const string LogFileName = BuildoutRun.LogFileName;

    private readonly BuildoutEngine _engine;
    private readonly NativeBuildoutOptions _options;
    private readonly BuildoutRun _run;

    public NativeBuildoutInstaller(IServiceProvider services, IOptions<NativeBuildoutOptions> options, ILogger<NativeBuildoutInstaller>? logger = null)
        : this(name => services.GetKeyedService<IBuildoutRecipe>(name), options.Value, logger)
    {
    }

    internal NativeBuildoutInstaller(Func<string, IBuildoutRecipe?> recipes, NativeBuildoutOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        _engine = new BuildoutEngine(recipes, logger);
        _options = options;
        _run = new BuildoutRun("the native buildout engine", options.LogTailLines, logger);
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

    public Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken) =>
        _run.InstallSoftwareAsync(build, async (step, ct) =>
        {
            // Builds run as the software user: it must be able to write in the install directory.
            step.Owner?.OwnEntry(step.Directory);
            var environment = new BuildoutEnvironment
            {
                Directory = step.Directory,
                Downloader = new BuildoutDownloader(_options.DownloadCacheDirectory ?? Path.Combine(step.SoftwareRoot, ".download-cache"), offline: false),
                Log = step.Log,
                Owner = step.Owner,
            };
            await _engine.RunAsync(step.Profile, environment, DirectoryOverride(step.Directory), ct).ConfigureAwait(false);
            await CopyInstanceProfileAsync(build.SoftwareReleaseUrl, step.Directory, environment.Downloader, step.Log, ct).ConfigureAwait(false);
        }, cancellationToken);

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
        _run.RemoveSoftware(build);
        return Task.CompletedTask;
    }

    public Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken) =>
        _run.DeployInstanceAsync(deployment, async (step, ct) =>
        {
            var environment = new BuildoutEnvironment
            {
                Directory = step.Directory,
                Downloader = new BuildoutDownloader(_options.DownloadCacheDirectory ?? Path.Combine(step.SoftwareRoot, ".download-cache"), offline: true),
                Log = step.Log,
                Partition = deployment.Instance,
                Owner = step.Owner,
            };
            await _engine.RunAsync(step.Profile, environment, DirectoryOverride(step.Directory), ct).ConfigureAwait(false);
            await step.Log.FlushAsync(ct).ConfigureAwait(false);
            if (step.Owner is not null)
            {
                foreach (var path in new[] { step.Profile, Path.Combine(step.Directory, LogFileName), Path.Combine(step.Directory, ".installed.cfg") })
                {
                    step.Owner.Own(path);
                }
            }

            return new InstanceDeploymentResult(
                environment.ConnectionParameters,
                environment.SharedConnectionParameters.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)p.Value, StringComparer.Ordinal));
        }, cancellationToken);

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
}
