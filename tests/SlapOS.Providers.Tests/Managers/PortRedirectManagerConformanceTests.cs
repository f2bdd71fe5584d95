namespace SlapOS.Providers.Tests.Managers;

[Collection(NftablesCollection.Name)]
public sealed class PortRedirectManagerConformanceTests : NodeManagerConformanceTests
{
    private readonly string _table = NftablesCollection.UniqueTable();

    protected override INodeManager CreateManager() => PortRedirectManagerTests.Manager(_table);

    protected override void AssertReleased(string partitionReference) => Assert.False(NftablesCollection.TableExists(_table));
}
