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

namespace SlapOS.Tests;

/// <summary>
/// A binary cache service on loopback (Kestrel, in this process) with one upload user, the signing identity its
/// uploaders sign with, and nodes as a node host registers them: the real native buildout installer, wrapped by
/// <c>UseBinaryCache</c> when the node uses the cache. One home for the integration tests (linked) and the
/// ScaleDriver's binary-cache scenario (linked).
/// </summary>
internal sealed class LoopbackBinaryCache : IAsyncDisposable
{
    private const string UploadUser = "node";
    private const string UploadPassword = "upload-secret";
    private readonly WebApplication _service;

    private LoopbackBinaryCache(WebApplication service, string url, string storageDirectory, string certificatePem, string keyFile)
    {
        _service = service;
        Url = url;
        StorageDirectory = storageDirectory;
        CertificatePem = certificatePem;
        KeyFile = keyFile;
    }

    /// <summary>The service's base URL, without a trailing slash.</summary>
    public string Url { get; }

    /// <summary>Where the service keeps archives (<c>shacache</c>) and signed entries (<c>shadir</c>).</summary>
    public string StorageDirectory { get; }

    /// <summary>The certificate that verifies what uploaders sign (PEM).</summary>
    public string CertificatePem { get; }

    /// <summary>The uploaders' private key file (PEM).</summary>
    public string KeyFile { get; }

    /// <summary>Starts the service on a free loopback port, its storage and signing key under <paramref name="root"/>.</summary>
    public static async Task<LoopbackBinaryCache> StartAsync(string root, string signer)
    {
        var storage = Path.Combine(root, "cache-storage");
        var keyFile = Path.Combine(root, "signature.key");
        var (certificatePem, keyPem) = NewSigningIdentity(signer);
        await File.WriteAllTextAsync(keyFile, keyPem);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSlapOSBinaryCache(o =>
        {
            o.StorageDirectory = storage;
            o.UploadUsers[UploadUser] = UploadPassword;
        });
        var service = builder.Build();
        service.MapSlapOSBinaryCache();
        await service.StartAsync();
        var url = service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new LoopbackBinaryCache(service, url, storage, certificatePem, keyFile);
    }

    /// <summary>A new self-signed signing identity: certificate PEM and RSA key PEM.</summary>
    public static (string CertificatePem, string KeyPem) NewSigningIdentity(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// A node's services, its download cache under <paramref name="root"/>: with <paramref name="cache"/>, it downloads
    /// from it and, when <paramref name="upload"/>, uploads signed archives; without, it only builds.
    /// <paramref name="configure"/> adjusts its cache options; <paramref name="log"/>, when given, receives its log.
    /// </summary>
    public static ServiceProvider Node(string root, string name, LoopbackBinaryCache? cache, bool upload = false, Action<BinaryCacheClientOptions>? configure = null, ILoggerProvider? log = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging(l =>
        {
            if (log is not null)
            {
                l.AddProvider(log).SetMinimumLevel(LogLevel.Information);
            }
        });
        var node = services.AddSlapOSSlave().UseNativeBuildout(o => o.DownloadCacheDirectory = Path.Combine(root, name + "-download-cache"));
        if (cache is not null)
        {
            node.UseBinaryCache(o =>
            {
                o.DownloadBinaryCacheUrl = cache.Url + "/shacache";
                o.DownloadBinaryDirUrl = cache.Url + "/shadir";
                o.SignatureCertificateList = cache.CertificatePem;
                if (upload)
                {
                    var authority = new Uri(cache.Url).Authority;
                    o.UploadBinaryCacheUrl = $"http://{UploadUser}:{UploadPassword}@{authority}/shacache";
                    o.UploadBinaryDirUrl = $"http://{UploadUser}:{UploadPassword}@{authority}/shadir";
                    o.SignaturePrivateKeyFile = cache.KeyFile;
                }

                configure?.Invoke(o);
            });
        }

        return services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync();
        await _service.DisposeAsync();
    }
}
