using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Tests.Api;

public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly string caDirectory = Directory.CreateTempSubdirectory("slapos-mtls-").FullName;
    private readonly string otherCaDirectory = Directory.CreateTempSubdirectory("slapos-mtls-other-").FullName;
    private WebApplication app = null!;
    private Uri address = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            k.UseSlapOSMutualTls();
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps());
        });
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(caDirectory, "master.db")).UseBouncyCastleIdentity(o => o.Directory = caDirectory));
        app = builder.Build();
        app.MapGet("/whoami", SlapIdentityGate.Wrap(context =>
        {
            var identity = context.GetSlapIdentity();
            return context.Response.WriteAsync($"{identity.Kind}:{identity.Reference}");
        }));
        await app.StartAsync();
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        Directory.Delete(caDirectory, recursive: true);
        Directory.Delete(otherCaDirectory, recursive: true);
    }

    private static async Task<IssuedCertificate> IssueAsync(string directory, SlapIdentity subject, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")).UseBouncyCastleIdentity(o => o.Directory = directory));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IMasterStore>().MigrateAsync(default);
        return await provider.GetRequiredService<ICertificateAuthority>().IssueAsync(subject, default);
    }

    private HttpClient Client(IssuedCertificate? issued)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(caDirectory, "ca.crt")));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        if (issued is not null)
        {
            using var pem = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
            handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
        }

        return new HttpClient(handler) { BaseAddress = address };
    }

    [Fact]
    public async Task A_certificate_from_the_master_ca_is_accepted_and_names_the_caller()
    {
        using var client = Client(await IssueAsync(caDirectory, new SlapIdentity(IdentityKind.Computer, "COMP-1")));

        Assert.Equal("Computer:COMP-1", await client.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task No_client_certificate_is_refused_at_the_handshake()
    {
        using var client = Client(null);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused()
    {
        using var client = Client(await IssueAsync(otherCaDirectory, new SlapIdentity(IdentityKind.Person, "mallory")));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task A_revoked_certificate_is_refused_at_the_next_handshake()
    {
        var issued = await IssueAsync(caDirectory, new SlapIdentity(IdentityKind.Partition, "SOFTINST-1"));
        using (var before = Client(issued))
        {
            Assert.Equal("Partition:SOFTINST-1", await before.GetStringAsync("/whoami"));
        }

        await app.Services.GetRequiredService<ICertificateAuthority>().RevokeAsync(issued.SerialNumber, default);

        using var after = Client(issued);
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task An_expired_certificate_is_refused()
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(-2));
        using var client = Client(await IssueAsync(caDirectory, new SlapIdentity(IdentityKind.Person, "alice"), past));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/whoami"));
    }
}
