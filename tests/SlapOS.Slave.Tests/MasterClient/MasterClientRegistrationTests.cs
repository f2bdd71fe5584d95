using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Tests.Wire;

namespace SlapOS.Slave.Tests.MasterClient;

public class MasterClientRegistrationTests
{
    [Fact]
    public void Xml_client_is_registered_by_UseXmlMasterClient()
    {
        using var provider = Build(s => s.UseXmlMasterClient());

        Assert.IsType<XmlSlapMasterClient>(provider.GetRequiredService<ISlapMasterClient>());
    }

    [Fact]
    public void A_later_Use_wins_and_calling_twice_is_safe()
    {
        using var provider = Build(s => s.UseXmlMasterClient().UseJsonMasterClient().UseJsonMasterClient());

        Assert.IsType<JsonSlapMasterClient>(provider.GetRequiredService<ISlapMasterClient>());
        Assert.Single(provider.GetServices<ISlapMasterClient>());
    }

    [Fact]
    public async Task The_client_reaches_the_master_url_through_the_resilience_pipeline()
    {
        var capture = WireCaptures.BySeq(7);
        var handler = new ReplayHandler(_ => (capture.Status, capture.ResponseBody, "text/html"));
        using var provider = Build(s => s.UseXmlMasterClient(), "http://127.0.0.1:18742/sub/path", services =>
            services.AddHttpClient(SlapMasterClientBuilderExtensions.XmlHttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler));

        var document = await provider.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("local_computer", CancellationToken.None);

        Assert.Equal(3, document.Partitions.Count);
        Assert.Equal("/sub/path/getFullComputerInformation", Assert.Single(handler.Requests).Path);
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_408_is_not()
    {
        var calls = 0;
        var handler = new ReplayHandler(_ => Interlocked.Increment(ref calls) == 1 ? (503, "busy", "text/plain") : (408, "<p>later</p>", "text/html"));
        using var provider = Build(s => s.UseXmlMasterClient(), "http://127.0.0.1:18742/", services =>
        {
            services.AddHttpClient(SlapMasterClientBuilderExtensions.XmlHttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
            services.Configure<SlapMasterClientOptions>(o => o.MaxRetries = 3);
        });

        var error = await Assert.ThrowsAsync<SlapException>(() => provider.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("local_computer", CancellationToken.None));

        Assert.Equal(SlapErrorKind.NotReady, error.Kind);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void Certificate_without_key_fails_validation()
    {
        using var provider = Build(s => s.UseJsonMasterClient(), configure: services =>
            services.Configure<SlapMasterClientOptions>(o => o.CertificateFile = "/nonexistent.pem"));

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlapMasterClientOptions>>().Value);
    }

    [Fact]
    public void Missing_certificate_file_fails_validation_with_its_option_name()
    {
        using var provider = Build(s => s.UseXmlMasterClient(), configure: services =>
            services.Configure<SlapMasterClientOptions>(o => (o.CertificateFile, o.KeyFile) = ("/nonexistent/c.pem", "/nonexistent/k.pem")));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlapMasterClientOptions>>().Value);

        Assert.Contains("CertificateFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_node_certificate_is_presented_to_the_master()
    {
        var dir = Directory.CreateTempSubdirectory("slapos-mtls-");
        try
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=COMP-1", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certFile = Path.Combine(dir.FullName, "computer.crt");
            var keyFile = Path.Combine(dir.FullName, "computer.key");
            File.WriteAllText(certFile, certificate.ExportCertificatePem());
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
            using var provider = Build(s => s.UseJsonMasterClient(), configure: services =>
                services.Configure<SlapMasterClientOptions>(o => (o.CertificateFile, o.KeyFile) = (certFile, keyFile)));

            using var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(SlapMasterClientBuilderExtensions.JsonHttpClientName);

            HttpMessageHandler? current = handler;
            while (current is DelegatingHandler delegating)
            {
                current = delegating.InnerHandler;
            }

            var sockets = Assert.IsType<SocketsHttpHandler>(current);
            var presented = Assert.Single(sockets.SslOptions.ClientCertificates!.Cast<System.Security.Cryptography.X509Certificates.X509Certificate2>());
            Assert.Equal("CN=COMP-1", presented.Subject);
            Assert.True(presented.HasPrivateKey);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static ServiceProvider Build(Action<ISlapOSSlaveBuilder> use, string masterUrl = "http://127.0.0.1:18742/", Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SlapOS:Slave:MasterUrl"] = masterUrl,
                ["SlapOS:Slave:ComputerReference"] = "local_computer",
            })
            .Build());
        services.AddSlapOSSlave(use);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
