using System.Security.Cryptography;
using System.Text;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// Fetches profiles and files by path, <c>file://</c> or <c>http(s)://</c>, checks an MD5 (a
/// <c>#md5=</c> fragment or an explicit one) and keeps copies in a download cache, so that an
/// offline run (and every instance deployment) finds what an online run downloaded.
/// </summary>
internal sealed class BuildoutDownloader(string? cacheDirectory, bool offline)
{
    // One client for the process: downloads are rare and sequential per run.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromMinutes(30),
    };

    /// <summary>Whether only local files and the cache may be used; a profile's <c>[buildout] offline = true</c> turns it on.</summary>
    public bool Offline { get; set; } = offline;

    public string? CacheDirectory { get; } = cacheDirectory;

    public static bool IsUrl(string location) =>
        location.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("file://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits <c>url#md5=hex</c> into the URL and the checksum.</summary>
    public static (string Location, string? Md5) SplitChecksum(string location)
    {
        var hash = location.LastIndexOf('#');
        if (hash >= 0 && location.AsSpan(hash + 1).StartsWith("md5=", StringComparison.OrdinalIgnoreCase))
        {
            return (location[..hash], location[(hash + 5)..].Trim().ToLowerInvariant());
        }

        return (location, null);
    }

    /// <summary>Returns a local path holding the content of <paramref name="location"/>.</summary>
    public async Task<string> FetchAsync(string location, string? md5, CancellationToken cancellationToken)
    {
        (location, var fragmentMd5) = SplitChecksum(location);
        md5 = string.IsNullOrWhiteSpace(md5) ? fragmentMd5 : md5.Trim().ToLowerInvariant();
        if (!location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var path = ToLocalPath(location);
            if (!File.Exists(path))
            {
                throw new BuildoutException($"'{location}' does not exist.");
            }

            Verify(path, md5, location);
            return path;
        }

        var cached = CachePath(location);
        if (cached is not null && File.Exists(cached) && (md5 is not null || Offline) && Matches(cached, md5))
        {
            return cached;
        }

        if (Offline)
        {
            throw new BuildoutException($"Cannot download '{location}' while offline, and it is not in the download cache{(cached is null ? string.Empty : $" ({CacheDirectory})")}.");
        }

        var target = cached ?? Path.Combine(Path.GetTempPath(), "slapos-buildout-" + Hash(location));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            using (var response = await Http.GetAsync(new Uri(location), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new BuildoutException($"Downloading '{location}' failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var file = File.Create(temporary);
                    await using (file.ConfigureAwait(false))
                    {
                        await stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            Verify(temporary, md5, location);
            File.Move(temporary, target, overwrite: true);
            return target;
        }
        catch (HttpRequestException ex)
        {
            throw new BuildoutException($"Downloading '{location}' failed: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A synchronous fetch, for recipes that need a file while the profile is evaluated.</summary>
    public string Fetch(string location, string? md5) => FetchAsync(location, md5, CancellationToken.None).GetAwaiter().GetResult();

    public static string ToLocalPath(string location) =>
        location.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? Uri.UnescapeDataString(location[7..]) : location;

    public static string ComputeMd5(string path)
    {
        using var file = File.OpenRead(path);
#pragma warning disable CA5351 // MD5 is what buildout profiles give as checksum.
        return Convert.ToHexStringLower(MD5.HashData(file));
#pragma warning restore CA5351
    }

    private string? CachePath(string location) =>
        CacheDirectory is null ? null : Path.Combine(CacheDirectory, Hash(location));

    private static string Hash(string location) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(location)));

    private static bool Matches(string path, string? md5) => md5 is null || string.Equals(ComputeMd5(path), md5, StringComparison.Ordinal);

    private static void Verify(string path, string? md5, string location)
    {
        if (md5 is null)
        {
            return;
        }

        var actual = ComputeMd5(path);
        if (!string.Equals(actual, md5, StringComparison.Ordinal))
        {
            throw new BuildoutException($"MD5 checksum mismatch for '{location}': expected {md5}, got {actual}.");
        }
    }
}
