namespace SlapOS.Providers.Tests.Managers;

public sealed class InProcessPortRedirectManagerConformanceTests : NodeManagerConformanceTests
{
    private readonly Providers.Managers.InProcessPortRedirectManager _manager = InProcessPortRedirectManagerTests.Manager();

    protected override INodeManager CreateManager() => _manager;

    protected override void AssertReleased(string partitionReference) => Assert.Equal(0, _manager.ForwarderCount);

    protected override void Dispose(bool disposing)
    {
        _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
