namespace SlapOS;

/// <summary>
/// A node manager: a plug-in the node agent calls at fixed points of its cycle, as slapgrid's
/// <c>slapos/manager/*</c> (cgroups and exclusive cores, pre-destroy scripts, device permissions…).
/// Every hook has a no-op default, so a manager implements only what it needs. A hook that fails
/// throws (preferably <see cref="NodeManagerException"/>); the agent reports the failure for that
/// partition or release only, and the other managers and partitions go on.
/// </summary>
public interface INodeManager
{
    /// <summary>The manager's short name (<c>cgroup</c>, <c>prerm</c>…), used in logs and reported errors.</summary>
    string Name { get; }

    /// <summary>After <c>slapos node format</c> ensured the partitions, before they are uploaded.</summary>
    Task FormatAsync(NodeManagerComputer computer, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before a release is installed (not called when it is already installed).</summary>
    Task BeforeSoftwareAsync(NodeManagerSoftware software, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After a release was installed successfully.</summary>
    Task AfterSoftwareAsync(NodeManagerSoftware software, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before a partition's instance is deployed; a failure leaves the partition undeployed and reported in error.</summary>
    Task BeforeInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After a partition was deployed and its processes started or stopped, before its promises run.</summary>
    Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Before a partition requested <c>destroyed</c> is stopped and wiped (its directory is still there).</summary>
    Task BeforeDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After a destroyed partition was stopped and wiped: release what the manager holds for it.</summary>
    Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// At <c>slapos node report</c>, for each partition holding an instance. Returns the partition's usage when
    /// the manager measures it exactly (the agent then uses it instead of its own process scan), else <see langword="null"/>.
    /// </summary>
    Task<NodeManagerUsage?> ReportAsync(NodeManagerPartition partition, CancellationToken cancellationToken) => Task.FromResult<NodeManagerUsage?>(null);
}
