using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.BinaryCache;

/// <summary>
/// Puts the binary cache around any <see cref="ISoftwareInstaller"/>, as slapgrid's <c>Software.install</c> does:
/// before building, look the release up (key <c>md5(url)</c>), keep entries a trusted certificate signed and that
/// match this platform, download, check the SHA-512, unpack beside the software root and rename into place with its
/// completion marker; when nothing usable is found, the inner installer builds, and a successful build is uploaded
/// when allowed. Any cache failure is logged and the release is built instead (unless its URL is forced to the cache).
/// </summary>
internal sealed class BinaryCacheSoftwareInstaller : ISoftwareInstaller, IDisposable
{
    private static readonly Meter Meter = new(ProvidersAssembly.TelemetryName);
    private static readonly Counter<long> Installs = Meter.CreateCounter<long>("slapos.node.binary_cache.installs", description: "Releases installed, by source (cache, build, refused).");

    private readonly ISoftwareInstaller _inner;
    private readonly BinaryCacheClientOptions _options;
    private readonly BinaryCacheClient _client;
    private readonly BinaryCacheSigning _signing;
    private readonly BinaryCachePlatform _platform;
    private readonly ILogger _logger;

    public BinaryCacheSoftwareInstaller(ISoftwareInstaller inner, BinaryCacheClientOptions options, ILogger logger)
    {
        _inner = inner;
        _options = options;
        _logger = logger;
        _client = new BinaryCacheClient(options, logger);
        _signing = BinaryCacheSigning.Load(options);
        _platform = BinaryCachePlatform.Detect(options);
    }

    public async Task InstallSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var url = build.SoftwareReleaseUrl;
        if (File.Exists(build.CompletedMarker))
        {
            await _inner.InstallSoftwareAsync(build, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Like slapgrid: only a release with no directory yet comes from the cache (a partial build is finished by building).
        if (_options.CanDownload && !Directory.Exists(build.InstallDirectory))
        {
            if (Matches(_options.DownloadFromBinaryCacheUrlBlacklist, url))
            {
                BinaryCacheLog.Blacklisted(_logger, url, "downloaded");
            }
            else if (await TryInstallFromCacheAsync(build, cancellationToken).ConfigureAwait(false))
            {
                Installs.Add(1, new KeyValuePair<string, object?>("source", "cache"));
                return;
            }
        }

        if (Matches(_options.DownloadFromBinaryCacheForceUrlList, url))
        {
            throw new SoftwareInstallerException(
                $"The software release {url} must come from the binary cache (DownloadFromBinaryCacheForceUrlList), which has no usable entry; will retry.",
                "Binary cache forced, but no trusted compatible entry could be installed.");
        }

        await _inner.InstallSoftwareAsync(build, cancellationToken).ConfigureAwait(false);
        Installs.Add(1, new KeyValuePair<string, object?>("source", "build"));
        if (_options.CanUpload && File.Exists(build.CompletedMarker) && !File.Exists(Path.Combine(build.InstallDirectory, ".shared")))
        {
            if (Matches(_options.UploadToBinaryCacheUrlBlacklist, url))
            {
                BinaryCacheLog.Blacklisted(_logger, url, "uploaded");
            }
            else
            {
                await TryUploadAsync(build, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task RemoveSoftwareAsync(SoftwareBuild build, CancellationToken cancellationToken) => _inner.RemoveSoftwareAsync(build, cancellationToken);

    public Task<InstanceDeploymentResult> DeployInstanceAsync(InstanceDeployment deployment, CancellationToken cancellationToken) =>
        _inner.DeployInstanceAsync(deployment, cancellationToken);

    public void Dispose()
    {
        _client.Dispose();
        _signing.Dispose();
    }

    private static bool Matches(List<string> prefixes, string url) => prefixes.Any(p => p.Length > 0 && url.StartsWith(p, StringComparison.Ordinal));

    private async Task<bool> TryInstallFromCacheAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        var url = build.SoftwareReleaseUrl;
        var key = SoftwareRelease.ComputeInstallDirectoryName(url);
        BinaryCacheLog.LookingUp(_logger, url, key);
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<ShadirEntry> entries;
        try
        {
            entries = await _client.LookupAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or BinaryCacheException or IOException)
        {
            BinaryCacheLog.LookupFailed(_logger, url, ex);
            return false;
        }

        var compatible = 0;
        foreach (var signed in entries)
        {
            if (!NetworkcacheSignature.Verify(signed.Entry, signed.Signature, _signing.Trusted))
            {
                BinaryCacheLog.UntrustedEntry(_logger, url);
                Installs.Add(1, new KeyValuePair<string, object?>("source", "refused"));
                continue;
            }

            NetworkcacheSoftwareEntry entry;
            try
            {
                entry = NetworkcacheSoftwareEntry.Parse(signed);
            }
            catch (FormatException ex)
            {
                BinaryCacheLog.MalformedEntry(_logger, url, ex.Message);
                continue;
            }

            if (!_platform.IsCompatible(entry))
            {
                continue;
            }

            compatible++;
            if (await TryUnpackAsync(build, entry, cancellationToken).ConfigureAwait(false))
            {
                var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                BinaryCacheLog.InstalledFromCache(_logger, url, entry.Sha512, elapsed);
                return true;
            }
        }

        BinaryCacheLog.NotInCache(_logger, url, entries.Count, compatible);
        return false;
    }

    /// <summary>Downloads and unpacks one entry's archive into a staging root beside the software root, then renames it into place.</summary>
    private async Task<bool> TryUnpackAsync(SoftwareBuild build, NetworkcacheSoftwareEntry entry, CancellationToken cancellationToken)
    {
        var url = build.SoftwareReleaseUrl;
        Directory.CreateDirectory(build.SoftwareRoot);
        // Same file system as the install directory, so the final rename is atomic.
        var stagingRoot = Path.Combine(build.SoftwareRoot, ".binary-cache-" + Guid.NewGuid().ToString("N"));
        var staged = build with { SoftwareRoot = stagingRoot };
        var archive = stagingRoot + ".tar.gz";
        try
        {
            Directory.CreateDirectory(stagingRoot);
            await _client.DownloadAsync(entry.Sha512, archive, cancellationToken).ConfigureAwait(false);
            await SoftwareArchive.ExtractAsync(archive, stagingRoot, Path.GetFileName(staged.InstallDirectory), cancellationToken).ConfigureAwait(false);
            // Marked complete exactly where and as a build marks it, then renamed with the directory.
            var owner = FileOwner.ForUser(build.User);
            await File.WriteAllTextAsync(staged.CompletedMarker, string.Empty, cancellationToken).ConfigureAwait(false);
            owner?.Own(staged.InstallDirectory);
            Directory.Move(staged.InstallDirectory, build.InstallDirectory);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or BinaryCacheException or InvalidDataException or IOException or UnauthorizedAccessException or BuildoutException)
        {
            BinaryCacheLog.ArchiveRefused(_logger, url, entry.Sha512, ex.Message);
            Installs.Add(1, new KeyValuePair<string, object?>("source", "refused"));
            return false;
        }
        finally
        {
            File.Delete(archive);
            if (Directory.Exists(stagingRoot))
            {
                Directory.Delete(stagingRoot, recursive: true);
            }
        }
    }

    private async Task TryUploadAsync(SoftwareBuild build, CancellationToken cancellationToken)
    {
        var url = build.SoftwareReleaseUrl;
        var archive = Path.Combine(build.SoftwareRoot, ".binary-cache-" + Guid.NewGuid().ToString("N") + ".tar.gz");
        try
        {
            await SoftwareArchive.CreateAsync(build, archive, cancellationToken).ConfigureAwait(false);
            var sha512 = await _client.UploadContentAsync(archive, cancellationToken).ConfigureAwait(false);
            var entry = new NetworkcacheSoftwareEntry(sha512, url, build.SoftwareRoot, _platform.Multiarch, _platform.Os).ToJson();
            await _client.PutEntryAsync(SoftwareRelease.ComputeInstallDirectoryName(url), new ShadirEntry(entry, NetworkcacheSignature.Sign(entry, _signing.Key!)), cancellationToken)
                .ConfigureAwait(false);
            var bytes = new FileInfo(archive).Length;
            BinaryCacheLog.Uploaded(_logger, url, sha512, bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or BinaryCacheException or IOException or UnauthorizedAccessException)
        {
            // The release is installed; a failed upload only means the next node builds it too.
            BinaryCacheLog.UploadFailed(_logger, url, ex);
        }
        finally
        {
            File.Delete(archive);
        }
    }
}
