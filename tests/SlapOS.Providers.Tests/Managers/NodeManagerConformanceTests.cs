namespace SlapOS.Providers.Tests.Managers;

/// <summary>
/// The contract of <see cref="INodeManager"/>, written against the interface only, so every manager passes the
/// same suite: it has a name, every hook succeeds on a partition that asks nothing (no request file, no process),
/// hooks are idempotent, and destroying releases what it held so the same partition can start over.
/// </summary>
public abstract class NodeManagerConformanceTests : IDisposable
{
    protected NodeManagerConformanceTests()
    {
        Root = Directory.CreateTempSubdirectory("m19-manager-").FullName;
    }

    protected string Root { get; }

    /// <summary>Creates the manager under test.</summary>
    protected abstract INodeManager CreateManager();

    /// <summary>Checks nothing of the partition is left by the manager after its destruction.</summary>
    protected abstract void AssertReleased(string partitionReference);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    protected NodeManagerPartition Partition(string reference, params int[] processIds)
    {
        var path = Path.Combine(Root, reference);
        Directory.CreateDirectory(path);
        return new NodeManagerPartition { ComputerReference = "COMP-M19", PartitionReference = reference, PartitionPath = path, ProcessIds = processIds };
    }

    [Fact]
    public void A_manager_has_a_short_lower_case_name()
    {
        var name = CreateManager().Name;
        Assert.Matches("^[a-z][a-z0-9-]{1,31}$", name);
    }

    [Fact]
    public async Task Every_hook_succeeds_twice_for_a_partition_that_asks_nothing_and_destroy_releases_it()
    {
        var manager = CreateManager();
        var partition = Partition("m19c0");
        var software = new NodeManagerSoftware { ComputerReference = "COMP-M19", Build = new SoftwareBuild("https://example.invalid/m19/software.cfg", Root) };
        var computer = new NodeManagerComputer { ComputerReference = "COMP-M19", InstanceRoot = Root };
        try
        {
            for (var round = 0; round < 2; round++)
            {
                await manager.FormatAsync(computer, CancellationToken.None);
                await manager.BeforeSoftwareAsync(software, CancellationToken.None);
                await manager.AfterSoftwareAsync(software, CancellationToken.None);
                await manager.BeforeInstanceAsync(partition, CancellationToken.None);
                await manager.AfterInstanceAsync(partition, CancellationToken.None);
                await manager.ReportAsync(partition, CancellationToken.None);
            }
        }
        finally
        {
            await manager.BeforeDestroyAsync(partition, CancellationToken.None);
            await manager.AfterDestroyAsync(partition, CancellationToken.None);
        }

        AssertReleased("m19c0");
    }

    [Fact]
    public async Task Destroying_a_partition_the_manager_never_saw_succeeds()
    {
        var manager = CreateManager();
        var partition = Partition("m19c1");

        await manager.BeforeDestroyAsync(partition, CancellationToken.None);
        await manager.AfterDestroyAsync(partition, CancellationToken.None);

        AssertReleased("m19c1");
    }

    [Fact]
    public async Task A_destroyed_partition_can_be_deployed_again()
    {
        var manager = CreateManager();
        var partition = Partition("m19c2");
        await manager.BeforeInstanceAsync(partition, CancellationToken.None);
        await manager.AfterInstanceAsync(partition, CancellationToken.None);
        await manager.BeforeDestroyAsync(partition, CancellationToken.None);
        await manager.AfterDestroyAsync(partition, CancellationToken.None);

        await manager.BeforeInstanceAsync(partition, CancellationToken.None);
        await manager.AfterInstanceAsync(partition, CancellationToken.None);
        await manager.BeforeDestroyAsync(partition, CancellationToken.None);
        await manager.AfterDestroyAsync(partition, CancellationToken.None);

        AssertReleased("m19c2");
    }
}
