using Microsoft.Extensions.Options;
using SlapOS.Slave;

namespace SlapOS.ScaleDriver;

/// <summary>The node's real master clients (XML and JSON) over one pooled loopback connection handler, without retries.</summary>
internal sealed class Clients : IDisposable
{
    private readonly HttpClient _http;

    public Clients(string masterUrl, int connections = 64)
    {
        Counter = new ByteCountingHandler(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
        _http = new HttpClient(Counter) { BaseAddress = new Uri(masterUrl.EndsWith('/') ? masterUrl : masterUrl + "/"), Timeout = TimeSpan.FromSeconds(120) };
        var options = Microsoft.Extensions.Options.Options.Create(new SlapOSSlaveOptions { ComputerReference = "COMP-00000", MasterUrl = masterUrl });
        Xml = new XmlSlapMasterClient(_http, options);
        Json = new JsonSlapMasterClient(_http, options);
    }

    public ByteCountingHandler Counter { get; }

    public HttpClient Http => _http;

    public XmlSlapMasterClient Xml { get; }

    public JsonSlapMasterClient Json { get; }

    public ISlapMasterClient For(string api) => api == "xml" ? Xml : Json;

    public void Dispose() => _http.Dispose();
}
