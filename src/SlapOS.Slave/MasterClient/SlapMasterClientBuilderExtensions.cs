using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave;

namespace SlapOS;

/// <summary>Chooses how the node talks to its master: the JSON API (ours) or the legacy XML API (a real SlapOS master).</summary>
public static class SlapMasterClientBuilderExtensions
{
    /// <summary>The named <see cref="HttpClient"/> of <see cref="XmlSlapMasterClient"/> (to add handlers, e.g. in tests).</summary>
    public const string XmlHttpClientName = "SlapOS.Master.Xml";

    /// <summary>The named <see cref="HttpClient"/> of <see cref="JsonSlapMasterClient"/>.</summary>
    public const string JsonHttpClientName = "SlapOS.Master.Json";

    /// <summary>Talks to the master over the legacy XML API (slapproxy, a real SlapOS master). A later <c>Use…MasterClient</c> wins.</summary>
    public static ISlapOSSlaveBuilder UseXmlMasterClient(this ISlapOSSlaveBuilder builder) =>
        builder.UseMasterClient<XmlSlapMasterClient>(XmlHttpClientName);

    /// <summary>Talks to the master over the JSON API v0. A later <c>Use…MasterClient</c> wins.</summary>
    public static ISlapOSSlaveBuilder UseJsonMasterClient(this ISlapOSSlaveBuilder builder) =>
        builder.UseMasterClient<JsonSlapMasterClient>(JsonHttpClientName);

    private static ISlapOSSlaveBuilder UseMasterClient<TClient>(this ISlapOSSlaveBuilder builder, string name)
        where TClient : class, ISlapMasterClient
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Transient<ISlapMasterClient>(sp => sp.GetRequiredService<TClient>()));
        if (services.Any(d => d.ServiceType == typeof(MasterClientRegistration<TClient>)))
        {
            return builder;
        }

        services.AddSingleton<MasterClientRegistration<TClient>>();
        services.AddOptions<SlapMasterClientOptions>()
            .BindConfiguration(SlapMasterClientOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => (o.CertificateFile is null) == (o.KeyFile is null), "SlapOS:Slave:MasterClient: CertificateFile and KeyFile go together")
            .Validate(
                o => (o.CertificateFile is null || File.Exists(o.CertificateFile)) && (o.KeyFile is null || File.Exists(o.KeyFile)) && (o.CaCertificateFile is null || File.Exists(o.CaCertificateFile)),
                "SlapOS:Slave:MasterClient: CertificateFile, KeyFile or CaCertificateFile does not exist")
            .Validate(o => o.TotalTimeout >= o.AttemptTimeout, "SlapOS:Slave:MasterClient: TotalTimeout must not be shorter than AttemptTimeout")
            .Validate(
                o => MasterRevocationCheckRules.Problem(o.RevocationCheck, o.CaCertificateFile, o.RevocationListFile) is null,
                "SlapOS:Slave:MasterClient: RevocationCheck Master or File needs CaCertificateFile (the CA that signs the CRL); File needs RevocationListFile, an existing CRL file")
            .ValidateOnStart();

        // One CRL per client kind, shared by its handlers (which the factory renews every few minutes).
        services.AddKeyedSingleton(name, (sp, _) => MasterRevocationList.For(
            sp.GetRequiredService<IOptions<SlapMasterClientOptions>>().Value,
            sp.GetRequiredService<IOptions<SlapOSSlaveOptions>>().Value.MasterUrl,
            typeof(TClient) == typeof(JsonSlapMasterClient),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<MasterRevocationList>()));

        services.AddHttpClient<TClient>(name)
            .ConfigureHttpClient((sp, http) =>
            {
                var url = sp.GetRequiredService<IOptions<SlapOSSlaveOptions>>().Value.MasterUrl;

                // Endpoints are relative ("getFullComputerInformation"): keep any path of the master URL.
                http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
                http.DefaultRequestHeaders.UserAgent.ParseAdd("SlapOS.NET/0.1");
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SlapMasterClientOptions>>().Value;
                return MasterClientHandler.Create(options.CertificateFile, options.KeyFile, options.CaCertificateFile, sp.GetRequiredKeyedService<MasterRevocationList>(name));
            })
            .AddHttpMessageHandler(sp => new MasterRevocationHandler(sp.GetRequiredKeyedService<MasterRevocationList>(name)))
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var options = sp.GetRequiredService<IOptions<SlapMasterClientOptions>>().Value;
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = options.AttemptTimeout * 2;
                resilience.Retry.MaxRetryAttempts = options.MaxRetries;

                // 408 is SlapOS's "not ready yet": an answer, not a transport failure.
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result?.StatusCode != HttpStatusCode.RequestTimeout
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome));
            });

        return builder;
    }

    /// <summary>Marks that the HTTP client of <typeparamref name="TClient"/> is registered, so calling Use… twice is safe.</summary>
    private sealed class MasterClientRegistration<TClient>;
}
