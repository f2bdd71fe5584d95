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
