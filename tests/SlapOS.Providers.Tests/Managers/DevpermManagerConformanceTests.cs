namespace SlapOS.Providers.Tests.Managers;

public sealed class DevpermManagerConformanceTests : NodeManagerConformanceTests
{
    private readonly DeviceNode _device = new();

    protected override INodeManager CreateManager() => DevpermManagerTests.Manager(_device.Path);

    protected override void AssertReleased(string partitionReference) =>
        Assert.StartsWith("0:", DeviceNode.Owner(_device.Path), StringComparison.Ordinal);

    protected override void Dispose(bool disposing)
    {
        _device.Dispose();
        base.Dispose(disposing);
    }
}
