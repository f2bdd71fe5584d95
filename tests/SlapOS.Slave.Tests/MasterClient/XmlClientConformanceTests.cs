using SlapOS.Tests.Wire;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>The conformance expectations, XML client against the in-test XML master.</summary>
public sealed class XmlClientConformanceTests : MasterClientConformanceTests, IDisposable
{
    private readonly FakeXmlMaster _master = new();

    protected override ISlapMasterClient CreateClient(string computerReference) => ClientFactory.Xml(_master, computerReference);

    public void Dispose() => _master.Dispose();
}
