using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Instances;
using SlapOS.Slave.Managers;
using SlapOS.Slave.Processes;
using SlapOS.Slave.Usage;

namespace SlapOS.Slave.Reporting;

/// <summary>
/// <c>slapos node report</c>: measures each partition's usage (CPU, memory and processes of its process
/// group's trees, disk of its directory), runs <c>etc/report/*</c>, sends one usage document for the
/// computer to the accounting sinks and the master; then stops, wipes and frees every partition whose
/// instance is requested <c>destroyed</c>.
/// </summary>
internal sealed class ReportRun(
    ISlapMasterClient master,
    IProcessSupervisor supervisor,
    IPartitionFormatter formatter,
    IEnumerable<IAccountingSink> sinks,
    ExecutableRunner runner,
    CrashBangRegistry crashes,
    NodeLayout layout,
    NodeManagers managers,
    IOptions<SlapOSSlaveOptions> options,
    TimeProvider time,
    SlapOS.Slave.Identity.ComputerCertificateRenewal renewal,
    ILogger<ReportRun> logger)
{
    private const string Command = "report";
    private DateTimeOffset? _lastReport;

    public async Task<NodeRunResult> RunAsync(IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        // The daemon formats once but reports on its interval: renewal is checked here too.
        await renewal.RenewIfDueAsync(cancellationToken).ConfigureAwait(false);
        var document = await master.GetComputerDocumentAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<NodeItemOutcome>();
        var end = time.GetUtcNow();
        var start = _lastReport ?? end - options.Value.ReportInterval;
        var processes = ProcessTable.Snapshot();
        var records = new List<UsageRecord>();
        foreach (var partition in document.Partitions.Where(NodeLayout.HoldsInstance))
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new NodeProgress(Command, partition.PartitionReference, "measuring"));
            try
            {
                var (record, managerError) = await MeasureAsync(partition, processes, start, end, cancellationToken).ConfigureAwait(false);
                records.Add(record);
                if (managerError is not null)
                {
                    // A manager saw something wrong with the partition (the kernel killed a process over its memory
                    // limit…): the master is told, as for a failed deployment; its usage is still recorded.
                    logger.PartitionFailed(partition.PartitionReference, managerError);
                    outcomes.Add(new NodeItemOutcome(partition.PartitionReference, NodeItemStatus.Failed, managerError.Message));
                    await InstanceRun.ReportErrorAsync(master, layout.ComputerReference, partition.PartitionReference, managerError.Message, logger, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.PartitionFailed(partition.PartitionReference, ex);
                outcomes.Add(new NodeItemOutcome(partition.PartitionReference, NodeItemStatus.Failed, ex.Message));
            }
        }

        if (records.Count > 0)
        {
            var report = new UsageReport(layout.ComputerReference, records);

            // Local sinks first: usage is never lost because the master is away.
            foreach (var sink in sinks)
            {
                try
                {
                    await sink.RecordAsync(report, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.AccountingSinkFailed(sink.GetType().Name, ex);
                    outcomes.Add(new NodeItemOutcome(sink.GetType().Name, NodeItemStatus.Failed, ex.Message));
                }
            }

            await master.ReportUsageAsync(report, cancellationToken).ConfigureAwait(false);
            _lastReport = end;
        }

        var busy = document.Partitions
            .Where(p => NodeLayout.HoldsInstance(p) && p.RequestedState != RequestedState.Destroyed)
            .Select(p => p.PartitionReference)
            .ToList();
        foreach (var partition in document.Partitions.Where(p => NodeLayout.HoldsInstance(p) && p.RequestedState == RequestedState.Destroyed))
        {
            progress?.Report(new NodeProgress(Command, partition.PartitionReference, "destroying"));
            outcomes.Add(await DestroyAsync(partition.PartitionReference, busy, cancellationToken).ConfigureAwait(false));
        }

        foreach (var outcome in outcomes)
        {
            SlaveTelemetry.Items.Add(1, new("command", Command), new("status", outcome.Status.ToString()));
        }

        return NodeRunResult.FromOutcomes(outcomes) with { NewestTimestamp = InstanceRun.Newest(document) };
    }

    private async Task<(UsageRecord Record, NodeManagerException? ManagerError)> MeasureAsync(PartitionInstance partition, ProcessTable processes, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var reference = partition.PartitionReference;
        var path = layout.PartitionPath(reference);
        var status = await supervisor.GetStatusAsync(reference, cancellationToken).ConfigureAwait(false);
        var roots = status.Where(s => s.ProcessId is not null).Select(s => s.ProcessId!.Value).ToList();
        var usage = processes.Measure(roots);
        NodeManagerException? managerError = null;
        if (managers.Any)
        {
            try
            {
                var managed = await managers.ReportAsync(
                    await managers.PartitionAsync(reference, partition, cancellationToken, processes.Tree(roots)).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                if (managed is not null)
                {
                    // The manager counts exactly (a cgroup holds every process of the partition, dead ones' CPU included).
                    usage = new ProcessUsage(managed.CpuSeconds, managed.MemoryBytes, managed.ProcessCount);
                }
            }
            catch (NodeManagerException ex)
            {
                managerError = ex;
            }
        }

        var user = layout.UserFor(reference);
        foreach (var script in PartitionExecutables.List(path, PartitionExecutables.ReportFolder))
        {
            var result = await runner.RunAsync(script, path, user, options.Value.ReportScriptTimeout, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                logger.ReportScriptFailed(reference, Path.GetFileName(script), result.Output);
            }
        }

        return (new UsageRecord
        {
            ComputerReference = layout.ComputerReference,
            PartitionReference = reference,
            InstanceReference = partition.InstanceReference,
            Start = start,
            End = end,
            CpuSeconds = usage.CpuSeconds,
            MemoryBytes = usage.MemoryBytes,
            ProcessCount = usage.ProcessCount,
            DiskBytes = DiskUsage.Measure(path),
        }, managerError);
    }

    private async Task<NodeItemOutcome> DestroyAsync(string reference, IReadOnlyList<string> busy, CancellationToken cancellationToken)
    {
        try
        {
            var path = layout.PartitionPath(reference);
            NodeManagerPartition? managed = null;
            string? managerFailure = null;
            if (managers.Any)
            {
                managed = await managers.PartitionAsync(reference, null, cancellationToken).ConfigureAwait(false);
                try
                {
                    await managers.BeforeDestroyAsync(managed, cancellationToken).ConfigureAwait(false);
                }
                catch (NodeManagerException ex)
                {
                    // A pre-destroy script failed or timed out: said in the outcome and the log; the destruction goes on.
                    managerFailure = ex.Message;
                    logger.DestroyManagerFailed(reference, ex.Message);
                }
            }

            await supervisor.StopGroupAsync(reference, cancellationToken).ConfigureAwait(false);
            await supervisor.RemoveGroupAsync(reference, cancellationToken).ConfigureAwait(false);
            KillPoints.Reach("destroy.stopped", reference);
            await formatter.WipeAsync(layout.ToPartitionLayout(busy), reference, cancellationToken).ConfigureAwait(false);
            PartitionTimestamp.Delete(path);
            KillPoints.Reach("destroy.wiped", reference);
            crashes.Forget(reference);
            if (managed is not null)
            {
                await managers.AfterDestroyAsync(managed with { ProcessIds = [] }, cancellationToken).ConfigureAwait(false);
            }

            await master.ReportInstanceStateAsync(layout.ComputerReference, reference, ReportedState.Destroyed, null, cancellationToken).ConfigureAwait(false);
            logger.PartitionDestroyed(reference);
            return new NodeItemOutcome(reference, NodeItemStatus.Done, managerFailure is null ? "destroyed" : "destroyed; " + managerFailure);
        }
        catch (Exception ex) when (ex is not MasterUnreachableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.PartitionDestroyFailed(reference, ex);
            return new NodeItemOutcome(reference, NodeItemStatus.Failed, ex.Message);
        }
    }
}
