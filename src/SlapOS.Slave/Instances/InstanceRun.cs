using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Managers;
using SlapOS.Slave.Promises;

namespace SlapOS.Slave.Instances;

/// <summary>
/// <c>slapos node instance</c>: for each partition whose instance changed (or whose maximum periodicity
/// passed), deploy its profile, update its process group, start or stop it, publish its connection
/// parameters, run its promises, report to the master and write <c>.timestamp</c> — only on success.
/// A partition's failure is reported for it and the run goes on.
/// </summary>
internal sealed class InstanceRun(
    ISlapMasterClient master,
    ISoftwareInstaller installer,
    IProcessSupervisor supervisor,
    PromiseRunner promises,
    ConnectionPublisher connections,
    CrashBangRegistry crashes,
    NodeLayout layout,
    NodeManagers managers,
    IOptions<SlapOSSlaveOptions> options,
    IOptions<SlapMasterClientOptions> clientOptions,
    TimeProvider time,
    ILogger<InstanceRun> logger)
{
    private const string Command = "instance";

    public async Task<NodeRunResult> RunAsync(IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var document = await master.GetComputerDocumentAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
        var outcomes = new NodeItemOutcome[document.Partitions.Count];
        var parallelism = options.Value.InstanceParallelism;
        if (parallelism <= 1)
        {
            for (var i = 0; i < outcomes.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                outcomes[i] = await ProcessAsync(document.Partitions[i], progress, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await ProcessInParallelAsync(document.Partitions, outcomes, parallelism, progress, cancellationToken).ConfigureAwait(false);
        }

        foreach (var outcome in outcomes)
        {
            SlaveTelemetry.Items.Add(1, new("command", Command), new("status", outcome.Status.ToString()));
        }

        return NodeRunResult.FromOutcomes(outcomes) with { NewestTimestamp = Newest(document) };
    }

    private async Task ProcessInParallelAsync(IReadOnlyList<PartitionInstance> partitions, NodeItemOutcome[] outcomes, int parallelism, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var run = Parallel.ForEachAsync(
            Enumerable.Range(0, partitions.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await ProcessAsync(partitions[i], progress, token).ConfigureAwait(false));
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (Exception) when (run.Exception?.InnerExceptions.OfType<MasterUnreachableException>().FirstOrDefault() is { } offline)
        {
            // The master went away: that is what the run reports, not the cancellations it caused.
            ExceptionDispatchInfo.Throw(offline);
        }
    }

    internal static InstanceTimestamp? Newest(ComputerDocument document) =>
        document.Partitions.Where(NodeLayout.HoldsInstance).Select(p => (InstanceTimestamp?)EffectiveTimestamp(p)).DefaultIfEmpty().Max();

    /// <summary>What the partition must have applied: its own timestamp or a newer one of a shared instance it hosts (as slapgrid).</summary>
    internal static InstanceTimestamp EffectiveTimestamp(PartitionInstance partition)
    {
        var timestamp = partition.Timestamp!.Value;
        foreach (var shared in partition.SharedInstances)
        {
            if (shared.Timestamp > timestamp)
            {
                timestamp = shared.Timestamp;
            }
        }

        return timestamp;
    }

    private async Task<NodeItemOutcome> ProcessAsync(PartitionInstance partition, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var reference = partition.PartitionReference;
        if (!NodeLayout.HoldsInstance(partition))
        {
            return new NodeItemOutcome(reference, NodeItemStatus.Skipped, "free partition");
        }

        var timestamp = EffectiveTimestamp(partition);
        string partitionPath;
        try
        {
            partitionPath = layout.PartitionPath(reference);
        }
        catch (SlapValidationException ex)
        {
            logger.PartitionRejected(reference, ex.Message);
            return new NodeItemOutcome(reference, NodeItemStatus.Failed, ex.Message);
        }

        if (partition.RequestedState != RequestedState.Destroyed
            && PartitionTimestamp.IsUpToDate(partitionPath, timestamp, time.GetUtcNow(), options.Value.MaximumPeriodicity))
        {
            logger.PartitionUpToDate(reference, timestamp.ToString());
            return new NodeItemOutcome(reference, NodeItemStatus.Skipped, "up to date");
        }

        // The deployment is a span of the trace of the request that last changed the instance (docs/observability.md).
        using var activity = SlaveTelemetry.StartInRequestTrace("slapos.slave.instance.deploy", partition.TraceParent);
        activity?.SetTag("slapos.partition", reference);
        activity?.SetTag("slapos.instance", partition.InstanceReference);
        activity?.SetTag("slapos.requested_state", partition.RequestedState.ToWire());
        var outcome = await ProcessChangedAsync(partition, partitionPath, timestamp, progress, cancellationToken).ConfigureAwait(false);
        SlaveTelemetry.Record(activity, outcome);
        return outcome;
    }

    private async Task<NodeItemOutcome> ProcessChangedAsync(PartitionInstance partition, string partitionPath, InstanceTimestamp timestamp, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var reference = partition.PartitionReference;
        try
        {
            if (partition.RequestedState == RequestedState.Destroyed)
            {
                // Stop now; the report run wipes the partition and tells the master, as slapgrid does.
                return await StopDestroyedAsync(reference, cancellationToken).ConfigureAwait(false);
            }

            if (!layout.IsInstalled(partition.SoftwareReleaseUrl!))
            {
                logger.PartitionNotReady(reference, partition.SoftwareReleaseUrl!);
                return new NodeItemOutcome(reference, NodeItemStatus.NotReady, "its software release is not installed yet");
            }

            return await DeployAsync(partition, partitionPath, timestamp, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not MasterUnreachableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var message = ex is SoftwareInstallerException installerError
                ? $"{installerError.Message}\n{installerError.LogTail}"
                : ex.Message;
            logger.PartitionFailed(reference, ex);
            await ReportErrorAsync(reference, message, cancellationToken).ConfigureAwait(false);
            return new NodeItemOutcome(reference, NodeItemStatus.Failed, message);
        }
    }

    private async Task<NodeItemOutcome> DeployAsync(PartitionInstance partition, string partitionPath, InstanceTimestamp timestamp, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var reference = partition.PartitionReference;
        if (!Directory.Exists(partitionPath))
        {
            throw new DirectoryNotFoundException($"The partition directory {partitionPath} does not exist: run 'slapos node format' first.");
        }

        var user = layout.UserFor(reference);
        var (keyFile, certificateFile) = await EnsureCertificateAsync(partition, partitionPath, user, cancellationToken).ConfigureAwait(false);
        if (managers.Any)
        {
            await managers.BeforeInstanceAsync(await managers.PartitionAsync(reference, partition, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(new NodeProgress(Command, reference, "deploying"));
        logger.PartitionDeploying(reference, timestamp.ToString());
        var result = await installer.DeployInstanceAsync(
            new InstanceDeployment
            {
                Instance = partition,
                PartitionPath = partitionPath,
                SoftwarePath = layout.SoftwarePath(partition.SoftwareReleaseUrl!),
                MasterUrl = options.Value.MasterUrl,
                User = user,
                KeyFile = keyFile,
                CertificateFile = certificateFile,
            },
            cancellationToken).ConfigureAwait(false);
        crashes.Deployed(reference, timestamp);
        KillPoints.Reach("instance.deployed", reference);

        progress?.Report(new NodeProgress(Command, reference, "supervising"));
        var programs = ProcessGroupBuilder.Build(reference, partitionPath, user);
        await supervisor.UpdateGroupAsync(reference, programs, cancellationToken).ConfigureAwait(false);
        var started = partition.RequestedState == RequestedState.Started;
        if (started)
        {
            await supervisor.StartGroupAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await supervisor.StopGroupAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        KillPoints.Reach("instance.supervised", reference);
        if (managers.Any)
        {
            // After the start: the manager sees the processes to place (in cgroups, on cores).
            await managers.AfterInstanceAsync(await managers.PartitionAsync(reference, partition, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        await connections.PublishAsync(partition, partitionPath, result, cancellationToken).ConfigureAwait(false);

        if (started)
        {
            progress?.Report(new NodeProgress(Command, reference, "promises"));
            var failed = (await promises.RunAsync(partitionPath, user, cancellationToken).ConfigureAwait(false))
                .Where(p => !p.Success)
                .ToList();
            if (failed.Count > 0)
            {
                var message = PromiseFailureMessage(failed);
                logger.PromisesFailed(reference, failed.Count);
                await ReportErrorAsync(reference, message, cancellationToken).ConfigureAwait(false);
                return new NodeItemOutcome(reference, NodeItemStatus.PromiseFailed, message);
            }
        }

        await master.ReportInstanceStateAsync(layout.ComputerReference, reference, started ? ReportedState.Started : ReportedState.Stopped, null, cancellationToken).ConfigureAwait(false);
        KillPoints.Reach("instance.reported", reference);
        PartitionTimestamp.Write(partitionPath, timestamp, time.GetUtcNow());
        logger.PartitionDeployed(reference, started ? "started" : "stopped");
        return new NodeItemOutcome(reference, NodeItemStatus.Done, started ? "started" : "stopped");
    }

    /// <summary>
    /// The partition's certificate files, fetched from the master when missing, for another instance or
    /// near expiry; none when the master has no certificate authority.
    /// </summary>
    private async Task<(string? Key, string? Certificate)> EnsureCertificateAsync(PartitionInstance partition, string partitionPath, string? user, CancellationToken cancellationToken)
    {
        if (partition.InstanceReference is { } instance && !PartitionCertificateFiles.AreCurrent(partitionPath, instance, time.GetUtcNow()))
        {
            var pair = await master.GetPartitionCertificateAsync(layout.ComputerReference, partition.PartitionReference, cancellationToken).ConfigureAwait(false);
            if (pair is null)
            {
                return (null, null);
            }

            var caFile = clientOptions.Value.CaCertificateFile;
            var caPem = caFile is null ? null : await File.ReadAllTextAsync(caFile, cancellationToken).ConfigureAwait(false);
            await PartitionCertificateFiles.WriteAsync(partitionPath, pair, caPem, user, cancellationToken).ConfigureAwait(false);
        }

        return File.Exists(PartitionCertificateFiles.KeyPath(partitionPath))
            ? (PartitionCertificateFiles.KeyPath(partitionPath), PartitionCertificateFiles.CertificatePath(partitionPath))
            : (null, null);
    }

    internal static string PromiseFailureMessage(IEnumerable<PromiseResult> failed) =>
        string.Join('\n', failed.Select(p => p.TimedOut
            ? $"Promise {p.Name} timed out: {p.Message}"
            : $"Promise {p.Name} failed (exit code {p.ExitCode}): {p.Message}"));

    private async Task<NodeItemOutcome> StopDestroyedAsync(string reference, CancellationToken cancellationToken)
    {
        var status = await supervisor.GetStatusAsync(reference, cancellationToken).ConfigureAwait(false);
        if (status.Any(s => s.State is ProgramState.Running or ProgramState.Starting or ProgramState.Backoff))
        {
            await supervisor.StopGroupAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        return new NodeItemOutcome(reference, NodeItemStatus.Skipped, "destruction requested: stopped; the report run wipes it");
    }

    private Task ReportErrorAsync(string reference, string message, CancellationToken cancellationToken) =>
        ReportErrorAsync(master, layout.ComputerReference, reference, message, logger, cancellationToken);

    /// <summary>Tells the master a partition is in error; a refusal is logged, an unreachable master propagates.</summary>
    internal static async Task ReportErrorAsync(ISlapMasterClient master, string computerReference, string reference, string message, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await master.ReportInstanceStateAsync(computerReference, reference, ReportedState.Error, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not MasterUnreachableException and not OperationCanceledException)
        {
            logger.ReportFailed(reference, ex);
        }
    }
}
