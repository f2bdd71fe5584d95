using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace SlapOS.Providers.BinaryCache;

/// <summary>
/// The HTTP side of slapos.libnetworkcache: <c>GET dir/&lt;key&gt;</c> for the entry list, <c>GET cache/&lt;sha512&gt;</c>
/// checked against its SHA-512 while it streams, <c>POST cache</c> answering 201 and the SHA-512, <c>PUT dir/&lt;key&gt;</c>
/// with <c>[entry, signature]</c> answering 201. Credentials in a URL (<c>user:password@</c>) become basic authentication.
/// Every request is retried on a transient failure (no connection, 5xx, 408, 429) with exponential back-off, never on
/// another 4xx: uploads are content-addressed (<c>POST</c> of the same bytes stores them once) and the same entry is
/// kept once per key, so sending again is safe.
/// </summary>
internal sealed class BinaryCacheClient : IDisposable
{
    private readonly BinaryCacheClientOptions _options;
    private readonly HttpClient _cache;
    private readonly HttpClient _dir;

    public BinaryCacheClient(BinaryCacheClientOptions options, ILogger logger)
    {
        _options = options;
        _cache = CreateHttpClient(options.ShacacheCertFile, options.ShacacheKeyFile, options.ShacacheCaFile, options, logger);
        _dir = CreateHttpClient(options.ShadirCertFile, options.ShadirKeyFile, options.ShadirCaFile, options, logger);
    }

    /// <summary>The entries under <paramref name="key"/>, empty when the directory has none (404).</summary>
    public async Task<IReadOnlyList<ShadirEntry>> LookupAsync(string key, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, _options.DownloadBinaryDirUrl!, key);
        using var response = await _dir.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        await EnsureAsync(response, "looking up " + key, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ShadirEntry.ParseList(body);
        }
        catch (FormatException ex)
        {
            throw new BinaryCacheException("The binary dir answered something that is not an entry list: " + ex.Message, ex);
        }
    }

    /// <summary>Downloads <paramref name="sha512"/> into <paramref name="destination"/>, refusing content whose SHA-512 differs.</summary>
    public async Task DownloadAsync(string sha512, string destination, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, _options.DownloadBinaryCacheUrl!, sha512);
        using var response = await _cache.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "downloading " + sha512, cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (input.ConfigureAwait(false))
        {
            var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(actual, sha512, StringComparison.Ordinal))
        {
            throw new BinaryCacheException($"The downloaded content's SHA-512 is {actual}, not {sha512}: the cached archive was altered.");
        }
    }

    /// <summary>Uploads <paramref name="path"/> to the shacache unless it is there already; answers its SHA-512.</summary>
    public async Task<string> UploadContentAsync(string path, CancellationToken cancellationToken)
    {
        string sha512;
        var input = File.OpenRead(path);
        await using (input.ConfigureAwait(false))
        {
            sha512 = Convert.ToHexStringLower(await SHA512.HashDataAsync(input, cancellationToken).ConfigureAwait(false));
        }

        // libnetworkcache asks first, and skips uploading what the cache holds.
        using (var probe = Request(HttpMethod.Head, _options.UploadBinaryCacheUrl!, sha512))
        using (var found = await _cache.SendAsync(probe, cancellationToken).ConfigureAwait(false))
        {
            if (found.IsSuccessStatusCode)
            {
                return sha512;
            }
        }

        var content = File.OpenRead(path);
        await using (content.ConfigureAwait(false))
        {
            using var request = Request(HttpMethod.Post, _options.UploadBinaryCacheUrl!, null);
            request.Content = new StreamContent(content, 81920);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.ContentLength = content.Length;
            using var response = await _cache.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var answer = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            if (response.StatusCode != HttpStatusCode.Created || !string.Equals(answer, sha512, StringComparison.Ordinal))
            {
                throw new BinaryCacheException($"The binary cache did not store the upload (HTTP {(int)response.StatusCode}: {Shorten(answer)}).");
            }
        }

        return sha512;
    }

    /// <summary>Puts a signed entry under <paramref name="key"/>.</summary>
    public async Task PutEntryAsync(string key, ShadirEntry entry, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, _options.UploadBinaryDirUrl!, key);
        request.Content = new ByteArrayContent(entry.ToJson());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _dir.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new BinaryCacheException($"The binary dir did not store the entry (HTTP {(int)response.StatusCode}: {Shorten(answer)}).");
        }
    }

    public void Dispose()
    {
        _cache.Dispose();
        _dir.Dispose();
    }

    private static HttpRequestMessage Request(HttpMethod method, string baseUrl, string? name)
    {
        var uri = new Uri(baseUrl.TrimEnd('/') + (name is null ? string.Empty : "/" + Uri.EscapeDataString(name)));
        var request = new HttpRequestMessage(method, uri.UserInfo.Length == 0 ? uri : new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri);
        if (uri.UserInfo.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo))));
        }

        return request;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new BinaryCacheException($"The binary cache answered HTTP {(int)response.StatusCode} {what}: {Shorten(answer)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static HttpClient CreateHttpClient(string? certFile, string? keyFile, string? caFile, BinaryCacheClientOptions options, ILogger logger)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout, AutomaticDecompression = DecompressionMethods.None };
        if (!string.IsNullOrWhiteSpace(certFile))
        {
            var certificate = X509Certificate2.CreateFromPemFile(certFile, string.IsNullOrWhiteSpace(keyFile) ? null : keyFile);
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null)];
        }

        if (!string.IsNullOrWhiteSpace(caFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
        }

        // Transfers of big releases take long; the connect timeout and the caller's token bound them (no attempt timeout).
        return new HttpClient(new ResilienceHandler(Retries(options, logger)) { InnerHandler = handler }, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Retries on transient failures only: a 4xx other than 408 and 429 is the cache's answer (refused, unknown), not a fault.</summary>
    private static ResiliencePipeline<HttpResponseMessage> Retries(BinaryCacheClientOptions options, ILogger logger)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    var reason = args.Outcome.Exception?.Message ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode}";
                    BinaryCacheLog.Retrying(logger, request?.Method.Method ?? "?", request?.RequestUri?.ToString() ?? "?", args.AttemptNumber + 1, reason);
                    return default;
                },
            });
        }

        return pipeline.Build();
    }
}
