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
    public const string LogFileName = BuildoutRun.LogFileName;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly ZcBuildoutOptions _options;
    private readonly BuildoutRun _run;

    public ZcBuildoutInstaller(IOptions<ZcBuildoutOptions> options, ILogger<ZcBuildoutInstaller>? logger = null)
        : this(options.Value, logger)
    {
    }

    internal ZcBuildoutInstaller(ZcBuildoutOptions options, ILogger? logger = null)
    {
        _options = options;
        _run = new BuildoutRun("zc.buildout", options.LogTailLines, logger ?? NullLogger.Instance);
    }

    public Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken) =>
        _run.InstallSoftwareAsync(build, async (step, ct) =>
        {
            var support = ZcBuildoutSupport.Prepare(_options.SupportDirectory ?? Path.Combine(step.SoftwareRoot, ".zc-buildout"));
            step.Owner?.Own(step.Directory);
            await RunAsync(support, step.Directory, step.Owner, _options.OfflineSoftwareInstalls, step.Log, ct).ConfigureAwait(false);
            var downloader = new BuildoutDownloader(Path.Combine(step.SoftwareRoot, ".download-cache"), offline: _options.OfflineSoftwareInstalls);
            await NativeBuildoutInstaller.CopyInstanceProfileAsync(build.SoftwareReleaseUrl, step.Directory, downloader, step.Log, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task RemoveSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        _run.RemoveSoftware(build);
        return Task.CompletedTask;
    }

    public Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken) =>
        _run.DeployInstanceAsync(deployment, async (step, ct) =>
        {
            // buildout runs as the partition user: the partition is theirs, as in SlapOS.
            step.Owner?.OwnEntry(step.Directory);
            step.Owner?.OwnEntry(Path.Combine(step.Directory, LogFileName));
            var support = ZcBuildoutSupport.Prepare(_options.SupportDirectory ?? Path.Combine(step.SoftwareRoot, ".zc-buildout"));
            var configuration = Path.Combine(step.Directory, ZcBuildoutSupport.ConfigurationFileName);
            await BuildoutFiles.WriteAsync(configuration, SlapConfiguration(deployment.Instance), (UnixFileMode)0b110_100_000, ct).ConfigureAwait(false);
            var published = Path.Combine(step.Directory, ZcBuildoutSupport.PublishedFileName);
            File.Delete(published);
            step.Owner?.OwnEntry(step.Profile);
            step.Owner?.OwnEntry(configuration);

            await RunAsync(support, step.Directory, step.Owner, offline: true, step.Log, ct).ConfigureAwait(false);
            await step.Log.FlushAsync(ct).ConfigureAwait(false);
            return await ReadPublishedAsync(published, ct).ConfigureAwait(false);
        }, cancellationToken);

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
        var lines = BuildoutRun.Tail(path, _options.LogTailLines).Split('\n');
        var error = lines.LastOrDefault(l => l.StartsWith("Error: ", StringComparison.Ordinal) || l.StartsWith("ModuleNotFoundError: ", StringComparison.Ordinal));
        return error?.Trim();
    }

    private sealed record PublishedFile(
        [property: System.Text.Json.Serialization.JsonPropertyName("connection")] Dictionary<string, string>? Connection,
        [property: System.Text.Json.Serialization.JsonPropertyName("shared")] Dictionary<string, Dictionary<string, string>>? Shared);
}
