using SlapOS.Tests.Wire;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>The conformance expectations, JSON client against the in-test JSON master.</summary>
public sealed class JsonClientConformanceTests : MasterClientConformanceTests, IDisposable
{
    private readonly FakeJsonMaster _master = new();

    protected override ISlapMasterClient CreateClient(string computerReference) => ClientFactory.Json(_master, computerReference);

    public void Dispose() => _master.Dispose();
}
