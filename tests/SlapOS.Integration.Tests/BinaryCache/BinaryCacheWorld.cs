using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlapOS.Integration.Tests.BinaryCache;

/// <summary>
/// A binary cache service on loopback (Kestrel), a signing key with its certificate, and nodes: each node is the
/// real native buildout installer wrapped by <c>UseBinaryCache</c>, as a node host registers them, with its own software root.
/// The test release's build step appends to a counter file, so the number of builds that ran is observable. Every
/// request the cache answered is recorded (<see cref="Requests"/>), so a test sees what a node sent and what it got.
/// </summary>
internal sealed class BinaryCacheWorld : IAsyncDisposable
{
    private readonly List<ServiceProvider> _nodes = [];
    private WebApplication? _cache;

    private BinaryCacheWorld(string root) => Root = root;

    public string Root { get; }

    public string CacheUrl { get; private set; } = string.Empty;

    public string StorageDirectory => Path.Combine(Root, "cache-storage");

    public string KeyFile => Path.Combine(Root, "signature.key");

    public string CertificatePem { get; private set; } = string.Empty;

    public string BuildCounter => Path.Combine(Root, "release.builds");

    public int BuildCount => File.Exists(BuildCounter) ? File.ReadAllLines(BuildCounter).Length : 0;

    public string ReleaseUrl => Path.Combine(Root, "release", "software.cfg");

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>The requests the cache answered, as <c>METHOD /path STATUS</c> (<c>POST /shacache 201</c>), in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The uploads of content the cache answered, with their status (<c>201</c>, <c>401</c>, <c>503</c>…).</summary>
    public IReadOnlyList<int> ContentUploads => [.. Requests.Select(r => r.Split(' ')).Where(r => r[0] == "POST" && r[1] == "/shacache").Select(r => int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// Starts a cache on loopback: over HTTP with basic authentication (<c>node</c>/<c>upload-secret</c>), or, with
    /// <paramref name="serverCertificate"/>, over HTTPS asking every client for a certificate (any is accepted at the
    /// handshake; the cache's <c>UploadCertificateThumbprints</c> decide who uploads). <paramref name="configure"/>
    /// adjusts the cache's options; <paramref name="intercept"/> may answer a request instead of the cache.
    /// </summary>
    public static async Task<BinaryCacheWorld> StartAsync(
        int payloadFiles = 20,
        X509Certificate2? serverCertificate = null,
        Action<BinaryCacheOptions>? configure = null,
        Func<HttpContext, bool>? intercept = null)
    {
        var world = new BinaryCacheWorld(Path.Combine(Path.GetTempPath(), "cache19-world-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(world.Root);
        (world.CertificatePem, var keyPem) = NewSigningIdentity("cache19 uploader");
        await File.WriteAllTextAsync(world.KeyFile, keyPem);
        world.WriteRelease(payloadFiles);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            }
        }));
        builder.Logging.ClearProviders();
        builder.Services.AddSlapOSBinaryCache(o =>
        {
            o.StorageDirectory = world.StorageDirectory;
            o.UploadUsers["node"] = "upload-secret";
            configure?.Invoke(o);
        });
        world._cache = builder.Build();
        world._cache.Use(async (context, next) =>
        {
            if (intercept?.Invoke(context) != true)
            {
                await next(context);
            }

            world.Requests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Response.StatusCode}");
        });
        world._cache.MapSlapOSBinaryCache();
        await world._cache.StartAsync();
        world.CacheUrl = world._cache.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return world;
    }

    /// <summary>A self-signed TLS server certificate for 127.0.0.1 (with its key), for <see cref="StartAsync"/>.</summary>
    public static X509Certificate2 NewServerCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A new self-signed signing identity: certificate PEM and RSA key PEM.</summary>
    public static (string CertificatePem, string KeyPem) NewSigningIdentity(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A node that downloads and, when <paramref name="upload"/>, uploads; <paramref name="configure"/> adjusts its options.</summary>
    public ISoftwareInstaller Node(string name, bool upload = false, Action<BinaryCacheClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging(l => l.AddProvider(new QueueLoggerProvider(Log, name)).SetMinimumLevel(LogLevel.Information));
        services.AddSlapOSSlave()
            .UseNativeBuildout(o => o.DownloadCacheDirectory = Path.Combine(Root, name + "-download-cache"))
            .UseBinaryCache(o =>
            {
                o.RetryDelay = TimeSpan.FromMilliseconds(20); // retries stay, their waits are short
                o.DownloadBinaryCacheUrl = CacheUrl + "/shacache";
                o.DownloadBinaryDirUrl = CacheUrl + "/shadir";
                o.SignatureCertificateList = CertificatePem;
                if (upload)
                {
                    var authority = new Uri(CacheUrl).Authority;
                    o.UploadBinaryCacheUrl = $"http://node:upload-secret@{authority}/shacache";
                    o.UploadBinaryDirUrl = $"http://node:upload-secret@{authority}/shadir";
                    o.SignaturePrivateKeyFile = KeyFile;
                }

                configure?.Invoke(o);
            });
        var provider = services.BuildServiceProvider();
        _nodes.Add(provider);
        return provider.GetRequiredService<ISoftwareInstaller>();
    }

    public SoftwareBuild Build(string node) => new(ReleaseUrl, Path.Combine(Root, node + "-software"));

    /// <summary>The archives the cache holds.</summary>
    public IReadOnlyList<string> StoredArchives() =>
        Directory.Exists(Path.Combine(StorageDirectory, "shacache"))
            ? [.. Directory.EnumerateFiles(Path.Combine(StorageDirectory, "shacache"), "*", SearchOption.AllDirectories)]
            : [];

    /// <summary>The shadir files the cache holds (one per key).</summary>
    public IReadOnlyList<string> StoredDirectories() =>
        Directory.Exists(Path.Combine(StorageDirectory, "shadir")) ? [.. Directory.EnumerateFiles(Path.Combine(StorageDirectory, "shadir"))] : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_cache is not null)
        {
            await _cache.StopAsync();
            await _cache.DisposeAsync();
        }

        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>software.cfg: one build step that counts builds and writes a payload; instance.cfg: a trivial profile.</summary>
    private void WriteRelease(int payloadFiles)
    {
        var directory = Path.GetDirectoryName(ReleaseUrl)!;
        Directory.CreateDirectory(directory);
        File.WriteAllText(ReleaseUrl, $$"""
            [buildout]
            parts = build

            [build]
            recipe = plone.recipe.command
            counter = {{BuildCounter}}
            command = echo built >> ${:counter} && mkdir -p ${buildout:directory}/payload && for i in $(seq 1 {{payloadFiles}}); do head -c 65536 /dev/urandom > ${buildout:directory}/payload/blob-$i; done && ln -s payload/blob-1 ${buildout:directory}/first-blob
            stop-on-error = true
            """.ReplaceLineEndings("\n"));
        File.WriteAllText(Path.Combine(directory, "instance.cfg"), "[buildout]\nparts =\n");
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> log, string node) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(log, node);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> log, string node) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Enqueue($"{node} {logLevel}: {formatter(state, exception)}");
    }
}
