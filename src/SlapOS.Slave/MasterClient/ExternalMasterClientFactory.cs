using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace SlapOS.Slave;

/// <summary>
/// Federation: the client a master forwards requests with is our JSON API client (or, with <c>Api = xml</c>, our
/// legacy XML API client, the form slapproxy forwards), over its own TLS identity and
/// with retries (exponential back-off with jitter) and a timeout per attempt, checking the external master's TLS
/// certificate against its CA's CRL as a node checks its master's (<see cref="MasterRevocationList"/>). One HTTP
/// client per external master.
/// </summary>
internal sealed class ExternalMasterClientFactory(ILoggerFactory loggerFactory, TimeProvider? time = null) : IExternalMasterClientFactory, IDisposable
{
    private readonly List<HttpClient> _clients = [];
    private readonly List<MasterRevocationList> _revocations = [];
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
        var url = connection.Url.ToString();

        // The external master's certificate is checked against its CA's CRL exactly as a node checks its master's.
        var revocation = MasterRevocationList.For(
            new SlapMasterClientOptions
            {
                CertificateFile = connection.CertificateFile,
                KeyFile = connection.KeyFile,
                CaCertificateFile = connection.CaCertificateFile,
                AttemptTimeout = connection.AttemptTimeout,
                RevocationCheck = connection.RevocationCheck,
                RevocationListFile = connection.RevocationListFile,
                RevocationRefreshInterval = connection.RevocationRefreshInterval,
            },
            url,
            json: connection.Api != ExternalMasterConnection.XmlApi,
            time ?? TimeProvider.System,
            loggerFactory.CreateLogger<MasterRevocationList>());
        var handler = new ResilienceHandler(builder.Build())
        {
            InnerHandler = new MasterRevocationHandler(revocation)
            {
                InnerHandler = MasterClientHandler.Create(connection.CertificateFile, connection.KeyFile, connection.CaCertificateFile, revocation),
            },
        };
        var http = new HttpClient(handler)
        {
            BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("SlapOS.NET/0.1");
        lock (_lock)
        {
            _clients.Add(http);
            _revocations.Add(revocation);
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
            foreach (var revocation in _revocations)
            {
                revocation.Dispose();
            }

            _revocations.Clear();
        }
    }
}
