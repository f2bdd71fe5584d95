using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Usage;

namespace SlapOS.Slave.Managers;

/// <summary>
/// Calls the registered <see cref="INodeManager"/>s at one hook, in registration order. Every manager
/// runs even when an earlier one failed; their failures are gathered into one
/// <see cref="NodeManagerException"/> naming each manager, which the run reports for that partition or release.
/// </summary>
internal sealed class NodeManagers(
    IEnumerable<INodeManager> managers,
    IProcessSupervisor supervisor,
    NodeLayout layout,
    ILogger<NodeManagers> logger)
{
    private readonly INodeManager[] _managers = managers.ToArray();

    public bool Any => _managers.Length > 0;

    /// <summary>The view of a partition a manager gets: its paths, user and the process tree of its programs now.</summary>
    public async Task<NodeManagerPartition> PartitionAsync(string partitionReference, PartitionInstance? instance, CancellationToken cancellationToken, IReadOnlyList<int>? knownProcessIds = null)
    {
        IReadOnlyList<int> processIds = knownProcessIds ?? [];
        if (Any && knownProcessIds is null)
        {
            var status = await supervisor.GetStatusAsync(partitionReference, cancellationToken).ConfigureAwait(false);
            var roots = status.Where(s => s.ProcessId is not null).Select(s => s.ProcessId!.Value).ToList();
            processIds = roots.Count == 0 ? [] : ProcessTable.Snapshot().Tree(roots);
        }

        return new NodeManagerPartition
        {
            ComputerReference = layout.ComputerReference,
            PartitionReference = partitionReference,
            PartitionPath = layout.PartitionPath(partitionReference),
            User = layout.UserFor(partitionReference),
            Instance = instance,
            ProcessIds = processIds,
        };
    }

    public Task FormatAsync(NodeManagerComputer computer, CancellationToken cancellationToken) =>
        RunAsync("format", computer.ComputerReference, m => m.FormatAsync(computer, cancellationToken), cancellationToken);

    public Task BeforeSoftwareAsync(NodeManagerSoftware software, CancellationToken cancellationToken) =>
        RunAsync("before-software", software.Build.SoftwareReleaseUrl, m => m.BeforeSoftwareAsync(software, cancellationToken), cancellationToken);

    public Task AfterSoftwareAsync(NodeManagerSoftware software, CancellationToken cancellationToken) =>
        RunAsync("after-software", software.Build.SoftwareReleaseUrl, m => m.AfterSoftwareAsync(software, cancellationToken), cancellationToken);

    public Task BeforeInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken) =>
        RunAsync("before-instance", partition.PartitionReference, m => m.BeforeInstanceAsync(partition, cancellationToken), cancellationToken);

    public Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken) =>
        RunAsync("after-instance", partition.PartitionReference, m => m.AfterInstanceAsync(partition, cancellationToken), cancellationToken);

    public Task BeforeDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken) =>
        RunAsync("before-destroy", partition.PartitionReference, m => m.BeforeDestroyAsync(partition, cancellationToken), cancellationToken);

    public Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken) =>
        RunAsync("after-destroy", partition.PartitionReference, m => m.AfterDestroyAsync(partition, cancellationToken), cancellationToken);

    /// <summary>Runs every manager's report hook; returns the first exact usage a manager measured, if any.</summary>
    public async Task<NodeManagerUsage?> ReportAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        NodeManagerUsage? usage = null;
        await RunAsync(
            "report",
            partition.PartitionReference,
            async m => usage ??= await m.ReportAsync(partition, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return usage;
    }

    private async Task RunAsync(string hook, string item, Func<INodeManager, Task> call, CancellationToken cancellationToken)
    {
        List<string>? failures = null;
        Exception? first = null;
        foreach (var manager in _managers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var activity = SlaveTelemetry.Source.StartActivity("manager " + manager.Name + " " + hook);
            try
            {
                await call(manager).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                logger.ManagerFailed(manager.Name, hook, item, ex);
                (failures ??= []).Add($"manager {manager.Name} ({hook}): {ex.Message}");
                first ??= ex;
            }
        }

        if (failures is not null)
        {
            throw new NodeManagerException(string.Join('\n', failures), first);
        }
    }
}
