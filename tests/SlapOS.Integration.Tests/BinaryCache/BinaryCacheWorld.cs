using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Tests;

namespace SlapOS.Integration.Tests.BinaryCache;

/// <summary>
/// A binary cache service on loopback with its signing identity, and nodes that use it (<see cref="LoopbackBinaryCache"/>),
/// each with its own software root. The test release's build step appends to a counter file, so the number of builds
/// that ran is observable.
/// </summary>
internal sealed class BinaryCacheWorld : IAsyncDisposable
{
    private readonly List<ServiceProvider> _nodes = [];
    private LoopbackBinaryCache? _cache;

    private BinaryCacheWorld(string root) => Root = root;

    public string Root { get; }

    public string StorageDirectory => Cache.StorageDirectory;

    private LoopbackBinaryCache Cache => _cache ?? throw new InvalidOperationException("the world is not started");

    public string BuildCounter => Path.Combine(Root, "release.builds");

    public int BuildCount => File.Exists(BuildCounter) ? File.ReadAllLines(BuildCounter).Length : 0;

    public string ReleaseUrl => Path.Combine(Root, "release", "software.cfg");

    public ConcurrentQueue<string> Log { get; } = new();

    public static async Task<BinaryCacheWorld> StartAsync(int payloadFiles = 20)
    {
        var world = new BinaryCacheWorld(Path.Combine(Path.GetTempPath(), "cache19-world-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(world.Root);
        world.WriteRelease(payloadFiles);
        world._cache = await LoopbackBinaryCache.StartAsync(world.Root, "cache19 uploader");
        return world;
    }

    /// <summary>A new self-signed signing identity: certificate PEM and RSA key PEM.</summary>
    public static (string CertificatePem, string KeyPem) NewSigningIdentity(string name) => LoopbackBinaryCache.NewSigningIdentity(name);

    /// <summary>A node that downloads and, when <paramref name="upload"/>, uploads; <paramref name="configure"/> adjusts its options.</summary>
    public ISoftwareInstaller Node(string name, bool upload = false, Action<BinaryCacheClientOptions>? configure = null)
    {
        var provider = LoopbackBinaryCache.Node(Root, name, Cache, upload, configure, new QueueLoggerProvider(Log, name));
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
