using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// The install steps both buildout installers share, in one place: skip a release already
/// <c>.completed</c>, write the profile, keep a log, hand the directory to the build user, mark the release
/// complete, and on failure log the error and raise it with the log's tail. Each installer supplies only
/// "run buildout in this directory" (the native engine or zc.buildout).
/// </summary>
/// <param name="engine">The engine's name in messages (<c>native buildout</c>, <c>zc.buildout</c>).</param>
/// <param name="logTailLines">How many of the log's last lines a failure carries.</param>
/// <param name="logger">Where the steps are logged.</param>
internal sealed class BuildoutRun(string engine, int logTailLines, ILogger logger)
{
    /// <summary>The log each run writes in its directory.</summary>
    public const string LogFileName = ".buildout.log";

    private const UnixFileMode ProfileMode = (UnixFileMode)0b110_100_000;

    /// <summary>Whether the release was installed to the end (its <c>.completed</c> marker exists).</summary>
    public static bool IsComplete(SoftwareBuild build) => File.Exists(build.CompletedMarker);

    /// <summary>Marks the release installed: its <c>.completed</c> marker, owned by the build user.</summary>
    public static async Task MarkCompleteAsync(SoftwareBuild build, FileOwner? owner, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(build.CompletedMarker, string.Empty, cancellationToken).ConfigureAwait(false);
        owner?.Own(build.CompletedMarker);
    }

    /// <summary>Installs <paramref name="build"/> unless complete, with <paramref name="runBuildout"/> doing the engine's part.</summary>
    public async Task InstallSoftwareAsync(SoftwareBuild build, Func<BuildoutStep, CancellationToken, Task> runBuildout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var directory = build.InstallDirectory;
        if (IsComplete(build))
        {
            BuildoutLog.SoftwareAlreadyInstalled(logger, engine, build.SoftwareReleaseUrl, directory);
            return;
        }

        BuildoutLog.InstallingSoftware(logger, engine, build.SoftwareReleaseUrl, directory);
        var started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(directory);
        var logPath = Path.Combine(directory, LogFileName);
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8);
        await using (log.ConfigureAwait(false))
        {
            try
            {
                var owner = FileOwner.ForUser(build.User);
                var profile = Path.Combine(directory, "buildout.cfg");
                await File.WriteAllTextAsync(profile, $"[buildout]\nextends = {build.SoftwareReleaseUrl}\n", cancellationToken).ConfigureAwait(false);
                await runBuildout(new BuildoutStep(directory, profile, build.SoftwareRoot, log, owner), cancellationToken).ConfigureAwait(false);
                await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                owner?.Own(directory);
                await MarkCompleteAsync(build, owner, cancellationToken).ConfigureAwait(false);
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                BuildoutLog.SoftwareInstalled(logger, engine, build.SoftwareReleaseUrl, directory, elapsed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                BuildoutLog.SoftwareFailed(logger, engine, build.SoftwareReleaseUrl, ex);
                var tail = await FailAsync(log, logPath, ex).ConfigureAwait(false);
                throw new SoftwareInstallerException($"Installing the software release {build.SoftwareReleaseUrl} with {engine} failed: {ex.Message}", tail, ex);
            }
        }
    }

    /// <summary>Removes the release's install directory, if any.</summary>
    public void RemoveSoftware(SoftwareBuild build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (Directory.Exists(build.InstallDirectory))
        {
            BuildoutLog.RemovingSoftware(logger, engine, build.SoftwareReleaseUrl, build.InstallDirectory);
            DeleteTree(build.InstallDirectory);
        }
    }

    /// <summary>
    /// Deploys a partition: its <c>buildout.cfg</c> (the release's instance profile and slapgrid's tail,
    /// rewritten only when it changed), then <paramref name="runBuildout"/>, which answers the published parameters.
    /// </summary>
    public async Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, Func<BuildoutStep, CancellationToken, Task<InstanceDeploymentResult>> runBuildout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var partition = deployment.PartitionPath;
        var reference = deployment.Instance.PartitionReference;
        BuildoutLog.DeployingInstance(logger, engine, reference, deployment.SoftwarePath);
        var started = Stopwatch.GetTimestamp();
        var instanceProfile = NativeBuildoutInstaller.RequireInstanceProfile(deployment);

        Directory.CreateDirectory(partition);
        var logPath = Path.Combine(partition, LogFileName);
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8);
        await using (log.ConfigureAwait(false))
        {
            try
            {
                var owner = FileOwner.ForUser(deployment.User);
                var profile = Path.Combine(partition, "buildout.cfg");
                var content = NativeBuildoutInstaller.InstanceProfile(deployment, instanceProfile);
                if (!File.Exists(profile) || await File.ReadAllTextAsync(profile, cancellationToken).ConfigureAwait(false) != content)
                {
                    await BuildoutFiles.WriteAsync(profile, content, ProfileMode, cancellationToken).ConfigureAwait(false);
                }

                var softwareRoot = Path.GetDirectoryName(Path.GetFullPath(deployment.SoftwarePath).TrimEnd(Path.DirectorySeparatorChar)) ?? deployment.SoftwarePath;
                var result = await runBuildout(new BuildoutStep(partition, profile, softwareRoot, log, owner), cancellationToken).ConfigureAwait(false);
                await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                BuildoutLog.InstanceDeployed(logger, engine, reference, elapsed);
                return result;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                BuildoutLog.InstanceFailed(logger, engine, reference, ex);
                var tail = await FailAsync(log, logPath, ex).ConfigureAwait(false);
                throw new SoftwareInstallerException($"Deploying partition {reference} with {engine} failed: {ex.Message}", tail, ex);
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the log at <paramref name="path"/>.</summary>
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

    private async Task<string> FailAsync(StreamWriter log, string logPath, Exception exception)
    {
        await log.WriteLineAsync("Error: " + exception.Message).ConfigureAwait(false);
        await log.FlushAsync().ConfigureAwait(false);
        return Tail(logPath, logTailLines);
    }
}
