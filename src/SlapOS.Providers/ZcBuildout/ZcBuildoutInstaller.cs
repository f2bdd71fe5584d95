using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Buildout;
using SlapOS.Providers.Buildout.Recipes;

namespace SlapOS.Providers.ZcBuildout;

/// <summary>
/// The software installer that runs the real zc.buildout (Debian's <c>python3-zc.buildout</c>,
/// offline, through a launcher and with this project's recipe distributions), in SlapOS's
/// layout, as the native installer: <c>&lt;software_root&gt;/&lt;md5(url)&gt;</c> with
/// <c>.completed</c>; <c>&lt;partition&gt;/buildout.cfg</c> with the <c>[slap-connection]</c> tail.
/// </summary>
internal sealed class ZcBuildoutInstaller : ISoftwareInstaller
{
    public const string LogFileName = NativeBuildoutInstaller.LogFileName;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly ZcBuildoutOptions _options;
    private readonly ILogger _logger;

    public ZcBuildoutInstaller(IOptions<ZcBuildoutOptions> options, ILogger<ZcBuildoutInstaller>? logger = null)
        : this(options.Value, logger)
    {
    }

    internal ZcBuildoutInstaller(ZcBuildoutOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var directory = build.InstallDirectory;
        if (File.Exists(build.CompletedMarker))
        {
            ZcBuildoutLog.SoftwareAlreadyInstalled(_logger, build.SoftwareReleaseUrl, directory);
            return;
        }

        ZcBuildoutLog.InstallingSoftware(_logger, build.SoftwareReleaseUrl, directory);
        var started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(directory);
        var logPath = Path.Combine(directory, LogFileName);
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8);
        await using (log.ConfigureAwait(false))
        {
            try
            {
                var owner = FileOwner.ForUser(build.User);
                var support = ZcBuildoutSupport.Prepare(_options.SupportDirectory ?? Path.Combine(build.SoftwareRoot, ".zc-buildout"));
                var profile = Path.Combine(directory, "buildout.cfg");
                await File.WriteAllTextAsync(profile, $"[buildout]\nextends = {build.SoftwareReleaseUrl}\n", cancellationToken).ConfigureAwait(false);
                owner?.Own(directory);
                await RunAsync(support, directory, owner, _options.OfflineSoftwareInstalls, log, cancellationToken).ConfigureAwait(false);
                var downloader = new BuildoutDownloader(Path.Combine(build.SoftwareRoot, ".download-cache"), offline: _options.OfflineSoftwareInstalls);
                await NativeBuildoutInstaller.CopyInstanceProfileAsync(build.SoftwareReleaseUrl, directory, downloader, log, cancellationToken).ConfigureAwait(false);
                await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                owner?.Own(directory);
                await File.WriteAllTextAsync(build.CompletedMarker, string.Empty, cancellationToken).ConfigureAwait(false);
                owner?.Own(build.CompletedMarker);
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                ZcBuildoutLog.SoftwareInstalled(_logger, build.SoftwareReleaseUrl, directory, elapsed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ZcBuildoutLog.SoftwareFailed(_logger, build.SoftwareReleaseUrl, ex);
                var tail = await FailAsync(log, logPath, ex).ConfigureAwait(false);
                throw new SoftwareInstallerException($"Installing the software release {build.SoftwareReleaseUrl} with zc.buildout failed: {ex.Message}", tail, ex);
            }
        }
    }

    public Task RemoveSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (Directory.Exists(build.InstallDirectory))
        {
            ZcBuildoutLog.RemovingSoftware(_logger, build.SoftwareReleaseUrl, build.InstallDirectory);
            NativeBuildoutInstaller.DeleteTree(build.InstallDirectory);
        }

        return Task.CompletedTask;
    }

    public async Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var partition = deployment.PartitionPath;
        var reference = deployment.Instance.PartitionReference;
        ZcBuildoutLog.DeployingInstance(_logger, reference, deployment.SoftwarePath);
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
                // buildout runs as the partition user: the partition is theirs, as in SlapOS.
                owner?.OwnEntry(partition);
                owner?.OwnEntry(logPath);
                var softwareRoot = Path.GetDirectoryName(Path.GetFullPath(deployment.SoftwarePath).TrimEnd(Path.DirectorySeparatorChar)) ?? deployment.SoftwarePath;
                var support = ZcBuildoutSupport.Prepare(_options.SupportDirectory ?? Path.Combine(softwareRoot, ".zc-buildout"));

                var profile = Path.Combine(partition, "buildout.cfg");
                var content = NativeBuildoutInstaller.InstanceProfile(deployment, instanceProfile);
                if (!File.Exists(profile) || await File.ReadAllTextAsync(profile, cancellationToken).ConfigureAwait(false) != content)
                {
                    await BuildoutFiles.WriteAsync(profile, content, (UnixFileMode)0b110_100_000, cancellationToken).ConfigureAwait(false);
                }

                var configuration = Path.Combine(partition, ZcBuildoutSupport.ConfigurationFileName);
                await BuildoutFiles.WriteAsync(configuration, SlapConfiguration(deployment.Instance), (UnixFileMode)0b110_100_000, cancellationToken).ConfigureAwait(false);
                var published = Path.Combine(partition, ZcBuildoutSupport.PublishedFileName);
                File.Delete(published);
                owner?.OwnEntry(profile);
                owner?.OwnEntry(configuration);

                await RunAsync(support, partition, owner, offline: true, log, cancellationToken).ConfigureAwait(false);
                await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                var result = await ReadPublishedAsync(published, cancellationToken).ConfigureAwait(false);
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                ZcBuildoutLog.InstanceDeployed(_logger, reference, elapsed);
                return result;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ZcBuildoutLog.InstanceFailed(_logger, reference, ex);
                var tail = await FailAsync(log, logPath, ex).ConfigureAwait(false);
                throw new SoftwareInstallerException($"Deploying partition {reference} with zc.buildout failed: {ex.Message}", tail, ex);
            }
        }
    }

    /// <summary>
    /// What <c>slapconfiguration</c> sets, computed as the native recipe does: <c>options</c> and
    /// <c>serialised-options</c> (or <c>serialised-options-error</c>), each a list of [key, value].
    /// </summary>
    internal static string SlapConfiguration(PartitionInstance partition)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WritePairs(json, "options", SlapConfigurationRecipe.Options(partition, serialised: false, "slap-configuration"));
            try
            {
                WritePairs(json, "serialised-options", SlapConfigurationRecipe.Options(partition, serialised: true, "slap-configuration"));
            }
            catch (BuildoutException ex)
            {
                json.WriteString("serialised-options-error", ex.Message);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WritePairs(Utf8JsonWriter json, string name, List<KeyValuePair<string, string>> pairs)
    {
        json.WriteStartArray(name);
        foreach (var (key, value) in pairs)
        {
            json.WriteStartArray();
            json.WriteStringValue(key);
            json.WriteStringValue(value);
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private static async Task<InstanceDeploymentResult> ReadPublishedAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return InstanceDeploymentResult.Empty;
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var published = await JsonSerializer.DeserializeAsync<PublishedFile>(stream, Json, cancellationToken).ConfigureAwait(false);
            var shared = (published?.Shared ?? []).ToDictionary(
                p => p.Key,
                p => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(p.Value, StringComparer.Ordinal),
                StringComparer.Ordinal);
            return new InstanceDeploymentResult(new Dictionary<string, string>(published?.Connection ?? [], StringComparer.Ordinal), shared);
        }
    }

    /// <summary>Runs buildout in <paramref name="directory"/> (as <paramref name="owner"/> when given); its output goes to the log.</summary>
    private async Task RunAsync((string Launcher, string Recipes) support, string directory, FileOwner? owner, bool offline, StreamWriter log, CancellationToken cancellationToken)
    {
        if (!File.Exists(_options.PythonExecutable))
        {
            throw new InvalidOperationException(
                $"zc.buildout needs {_options.PythonExecutable} (Debian's python3 with python3-zc.buildout and python3-setuptools): it does not exist.");
        }

        var start = new ProcessStartInfo
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (owner is not null)
        {
            start.FileName = "setpriv";
            foreach (var argument in new[] { $"--reuid={owner.Uid}", $"--regid={owner.Gid}", "--init-groups", "--" })
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(_options.PythonExecutable);
            start.Environment["HOME"] = directory;
            start.Environment["USER"] = owner.User;
            start.Environment["LOGNAME"] = owner.User;
        }
        else
        {
            start.FileName = _options.PythonExecutable;
        }

        // -U: no ~/.buildout/default.cfg; -N: never look for newer distributions.
        foreach (var argument in new[] { support.Launcher, "-U", "-N" }.Concat(offline ? ["-o"] : []).Concat(["-c", Path.Combine(directory, "buildout.cfg")]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[ZcBuildoutSupport.RecipesVariable] = support.Recipes;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");

        await log.WriteLineAsync("$ " + string.Join(' ', start.ArgumentList.Prepend(start.FileName))).ConfigureAwait(false);
        await log.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var process = new Process { StartInfo = start };
        var gate = new object();
        void Write(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    log.WriteLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Write;
        process.ErrorDataReceived += Write;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"buildout did not finish within {_options.Timeout} and was killed.");
        }

        // WaitForExitAsync returns after the output is drained.
        lock (gate)
        {
            log.Flush();
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(FailureMessage(process.ExitCode, LastError(log)));
        }
    }

    private static string FailureMessage(int exitCode, string? error) =>
        error is null
            ? string.Create(CultureInfo.InvariantCulture, $"buildout exited with code {exitCode}.")
            : string.Create(CultureInfo.InvariantCulture, $"buildout exited with code {exitCode}: {error}");

    /// <summary>buildout's own summary of a failure (its last <c>Error: …</c> line), if any.</summary>
    private string? LastError(StreamWriter log)
    {
        log.Flush();
        var path = ((FileStream)log.BaseStream).Name;
        var lines = NativeBuildoutInstaller.Tail(path, _options.LogTailLines).Split('\n');
        var error = lines.LastOrDefault(l => l.StartsWith("Error: ", StringComparison.Ordinal) || l.StartsWith("ModuleNotFoundError: ", StringComparison.Ordinal));
        return error?.Trim();
    }

    private async Task<string> FailAsync(StreamWriter log, string logPath, Exception exception)
    {
        await log.WriteLineAsync("Error: " + exception.Message).ConfigureAwait(false);
        await log.FlushAsync().ConfigureAwait(false);
        return NativeBuildoutInstaller.Tail(logPath, _options.LogTailLines);
    }

    private sealed record PublishedFile(
        [property: System.Text.Json.Serialization.JsonPropertyName("connection")] Dictionary<string, string>? Connection,
        [property: System.Text.Json.Serialization.JsonPropertyName("shared")] Dictionary<string, Dictionary<string, string>>? Shared);
}
