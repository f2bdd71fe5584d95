using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Integration.Tests.Api;
using SlapOS.Master;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// A real master in mutual TLS mode on 127.0.0.1: one listener that requires a client certificate from
/// its CA, one onboarding listener without client certificates (<c>ListenSlapOSOnboarding</c>); SQLite
/// store and BouncyCastle CA in a temp dir.
/// </summary>
public sealed class MtlsMaster : IAsyncLifetime
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("slapos-identity-").FullName;
    private readonly Action<ISlapOSMasterBuilder>? _store;
    private readonly string? _caDirectory;
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly Action<ISlapOSMasterBuilder>? _configure;
    private readonly Action<IServiceCollection>? _services;
    private WebApplication _app = null!;

    /// <summary>A master with its own SQLite store and CA directory.</summary>
    public MtlsMaster()
    {
    }

    private MtlsMaster(Action<ISlapOSMasterBuilder> store, string caDirectory, IReadOnlyDictionary<string, string?>? settings, Action<ISlapOSMasterBuilder>? configure, Action<IServiceCollection>? services)
    {
        _store = store;
        _caDirectory = caDirectory;
        _settings = settings;
        _configure = configure;
        _services = services;
    }

    /// <summary>
    /// Starts one of several masters of one cloud: the store chosen by <paramref name="store"/> (a PostgreSQL database
    /// or a SQLite file they share) and the CA directory they all mount. <paramref name="services"/> registers before
    /// the master does, so that it may replace a default (e.g. a fake <see cref="TimeProvider"/>).
    /// </summary>
    public static async Task<MtlsMaster> StartSharedAsync(Action<ISlapOSMasterBuilder> store, string caDirectory, IReadOnlyDictionary<string, string?>? settings = null, Action<ISlapOSMasterBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var master = new MtlsMaster(store, caDirectory, settings, configure, services);
        await master.InitializeAsync();
        return master;
    }

    public Uri Url { get; private set; } = null!;

    public Uri OnboardingUrl { get; private set; } = null!;

    public string Directory => _directory;

    public string CaDirectory => _caDirectory ?? Path.Combine(_directory, "ca");

    public string CaFile => Path.Combine(CaDirectory, "ca.crt");

    public ISlapMaster Master => _app.Services.GetRequiredService<ISlapMaster>();

    public IServiceProvider Services => _app.Services;

    public ICertificateAuthority Authority => _app.Services.GetRequiredService<ICertificateAuthority>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.UseSlapOSMutualTls();
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps());
            k.ListenSlapOSOnboarding(IPAddress.Loopback, 0);
        });
        builder.Configuration["SlapOS:Master:Security:Mode"] = "MutualTls";
        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        _services?.Invoke(builder.Services);
        builder.Services.AddSlapOSMaster(m =>
        {
            if (_store is null)
            {
                m.UseSqlite(Path.Combine(_directory, "master.db"));
            }
            else
            {
                _store(m);
            }

            m.UseBouncyCastleIdentity(o => o.Directory = CaDirectory);
            _configure?.Invoke(m);
        });
        _app = builder.Build();
        _app.MapSlapOSMaster();
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        Assert.Equal(2, addresses.Count);

        // Kestrel lists endpoints in the order they were configured.
        Url = new Uri(addresses[0]);
        OnboardingUrl = new Uri(addresses[1]);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    /// <summary>This master's TLS server certificate, as a client sees it in the handshake (read on the onboarding listener).</summary>
    public async Task<X509Certificate2> ServerCertificateAsync()
    {
        X509Certificate2? seen = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // Only the certificate is read here; nothing is sent that it would need to be trusted for.
            seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return seen is not null;
        };
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync(new Uri(OnboardingUrl, "/ca/crl"));
        return seen!;
    }

    /// <summary>
    /// Whether the CRL this master publishes lists <paramref name="serialNumber"/> (hex) within a minute — a bound on the
    /// test, not a timing assertion: the master re-signs its CRL within its refresh interval (2 s).
    /// </summary>
    public async Task<bool> PublishesRevocationOfAsync(string serialNumber)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            var published = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(await Authority.GetRevocationListAsync(default));
            if (published.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(serialNumber, 16)) is not null)
            {
                return true;
            }
        }

        return false;
    }

    public Task<IssuedCertificate> IssueAsync(IdentityKind kind, string reference, bool admin = false) =>
        Authority.IssueAsync(new SlapIdentity(kind, reference, admin), default);

    /// <summary>An HTTP client that trusts only this master's CA and presents <paramref name="identity"/> (or no certificate).</summary>
    public HttpClient Client(IssuedCertificate? identity, Uri? url = null)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };
        if (identity is not null)
        {
            using var pem = X509Certificate2.CreateFromPem(identity.CertificatePem, identity.PrivateKeyPem);
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        return new HttpClient(handler) { BaseAddress = url ?? Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static async Task<Answer> PostJsonAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return await Answer.ReadAsync(response);
    }
}
