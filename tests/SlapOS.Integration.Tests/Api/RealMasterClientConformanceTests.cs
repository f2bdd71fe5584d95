using Microsoft.Extensions.Options;
using SlapOS.Slave;
using SlapOS.Slave.Tests.MasterClient;

namespace SlapOS.Integration.Tests.Api;

/// <summary>The slave's client conformance expectations, XML client against our real master over HTTP.</summary>
public sealed class XmlClientAgainstOurMasterTests(LoopbackMaster master) : MasterClientConformanceTests, IClassFixture<LoopbackMaster>, IDisposable
{
    private readonly List<HttpClient> _clients = [];

    protected override ISlapMasterClient CreateClient(string computerReference) =>
        new XmlSlapMasterClient(Http(master, _clients), Options(master, computerReference));

    public void Dispose() => _clients.ForEach(c => c.Dispose());

    internal static HttpClient Http(LoopbackMaster master, List<HttpClient> clients)
    {
        var http = new HttpClient { BaseAddress = master.Url };
        clients.Add(http);
        return http;
    }

    internal static IOptions<SlapOSSlaveOptions> Options(LoopbackMaster master, string computer) =>
        Microsoft.Extensions.Options.Options.Create(new SlapOSSlaveOptions { ComputerReference = computer, MasterUrl = master.Url.ToString() });
}

/// <summary>The slave's client conformance expectations, JSON client against our real master over HTTP.</summary>
public sealed class JsonClientAgainstOurMasterTests(LoopbackMaster master) : MasterClientConformanceTests, IClassFixture<LoopbackMaster>, IDisposable
{
    private readonly List<HttpClient> _clients = [];

    protected override ISlapMasterClient CreateClient(string computerReference) =>
        new JsonSlapMasterClient(XmlClientAgainstOurMasterTests.Http(master, _clients), XmlClientAgainstOurMasterTests.Options(master, computerReference));

    public void Dispose() => _clients.ForEach(c => c.Dispose());
}
