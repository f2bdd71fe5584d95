using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Tests.Managers;
using SlapOS.Slave.Managers;
using SlapOS.Slave.Processes;

namespace SlapOS.Slave.Tests.Managers;

public sealed class PrermManagerConformanceTests : NodeManagerConformanceTests
{
    protected override INodeManager CreateManager() =>
        new PrermManager(new ExecutableRunner(TimeProvider.System), Options.Create(new PrermManagerOptions()), NullLogger<PrermManager>.Instance);

    /// <summary>The manager holds nothing of its own: the partition directory is as the test left it (empty).</summary>
    protected override void AssertReleased(string partitionReference) =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root, partitionReference)));
}
