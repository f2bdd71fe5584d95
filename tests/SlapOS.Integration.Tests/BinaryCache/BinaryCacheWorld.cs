using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlapOS.Integration.Tests.BinaryCache;

/// <summary>
/// A binary cache service on loopback (Kestrel), a signing key with its certificate, and nodes: each node is the
/// real native buildout installer wrapped by <c>UseBinaryCache</c>, as a node host registers them, with its own software root.
/// The test release's build step appends to a counter file, so the number of builds that ran is observable.
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

    public static async Task<BinaryCacheWorld> StartAsync(int payloadFiles = 20)
    {
        var world = new BinaryCacheWorld(Path.Combine(Path.GetTempPath(), "cache19-world-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(world.Root);
        (world.CertificatePem, var keyPem) = NewSigningIdentity("cache19 uploader");
        await File.WriteAllTextAsync(world.KeyFile, keyPem);
        world.WriteRelease(payloadFiles);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSlapOSBinaryCache(o =>
        {
            o.StorageDirectory = world.StorageDirectory;
            o.UploadUsers["node"] = "upload-secret";
        });
        world._cache = builder.Build();
        world._cache.MapSlapOSBinaryCache();
        await world._cache.StartAsync();
        world.CacheUrl = world._cache.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return world;
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
