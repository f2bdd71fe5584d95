using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace SlapOS.Slave;

/// <summary>
/// Federation: the client a master forwards requests with is our JSON API client (or, with <c>Api = xml</c>, our
/// legacy XML API client, the form slapproxy forwards), over its own TLS identity and
/// with retries (exponential back-off with jitter) and a timeout per attempt. One HTTP client per external master.
/// </summary>
internal sealed class ExternalMasterClientFactory(ILoggerFactory loggerFactory) : IExternalMasterClientFactory, IDisposable
{
    private readonly List<HttpClient> _clients = [];
    private readonly Lock _lock = new();

    public ISlapMasterClient Create(ExternalMasterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (connection.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = connection.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),

                // 408 is SlapOS's "not ready yet": an answer, not a transport failure.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result?.StatusCode != HttpStatusCode.RequestTimeout && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
        }

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = connection.AttemptTimeout });
        var handler = new ResilienceHandler(builder.Build())
        {
            InnerHandler = MasterClientHandler.Create(connection.CertificateFile, connection.KeyFile, connection.CaCertificateFile),
        };
        var url = connection.Url.ToString();
        var http = new HttpClient(handler)
        {
            BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("SlapOS.NET/0.1");
        lock (_lock)
        {
            _clients.Add(http);
        }

        var slave = Options.Create(new SlapOSSlaveOptions { MasterUrl = url });
        return connection.Api == ExternalMasterConnection.XmlApi
            ? new XmlSlapMasterClient(http, slave, loggerFactory.CreateLogger<XmlSlapMasterClient>())
            : new JsonSlapMasterClient(http, slave, loggerFactory.CreateLogger<JsonSlapMasterClient>());
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }
}
