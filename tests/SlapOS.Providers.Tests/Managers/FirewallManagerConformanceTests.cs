namespace SlapOS.Providers.Tests.Managers;

[Collection(NftablesCollection.Name)]
public sealed class FirewallManagerConformanceTests : NodeManagerConformanceTests
{
    private readonly string _table = NftablesCollection.UniqueTable();

    protected override INodeManager CreateManager() => FirewallManagerTests.Manager(_table);

    protected override void AssertReleased(string partitionReference) => Assert.False(NftablesCollection.TableExists(_table));
}
