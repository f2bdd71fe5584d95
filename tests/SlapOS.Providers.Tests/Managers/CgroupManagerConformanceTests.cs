namespace SlapOS.Providers.Tests.Managers;

public sealed class CgroupManagerConformanceTests : NodeManagerConformanceTests
{
    private readonly CgroupTestNode _node = new(o => o.Defaults.MemoryLimitBytes = 256L * 1024 * 1024);

    protected override INodeManager CreateManager() => _node.Manager;

    protected override void AssertReleased(string partitionReference) =>
        Assert.All(new[] { "memory", "pids", "cpu", "cpuset" }, c => Assert.False(Directory.Exists(_node.Manager.PartitionCgroup(c, partitionReference)), c));

    protected override void Dispose(bool disposing)
    {
        _node.Dispose();
        base.Dispose(disposing);
    }
}
