using Microsoft.Extensions.Logging;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Promises;

/// <summary>
/// <c>slapos node promise</c>: runs the promises of every deployed partition requested <c>started</c>
/// (without redeploying), reporting an error to the master for each partition whose promise fails.
/// </summary>
internal sealed class PromiseRun(ISlapMasterClient master, PromiseRunner promises, NodeLayout layout, ILogger<PromiseRun> logger)
{
    private const string Command = "promise";

    public async Task<NodeRunResult> RunAsync(IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var document = await master.GetComputerDocumentAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<NodeItemOutcome>();
        foreach (var partition in document.Partitions)
        {
            var reference = partition.PartitionReference;
            if (!NodeLayout.HoldsInstance(partition) || partition.RequestedState != RequestedState.Started)
            {
                continue;
            }

            try
            {
                outcomes.Add(await CheckAsync(reference, progress, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not MasterUnreachableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                logger.PartitionFailed(reference, ex);
                outcomes.Add(new NodeItemOutcome(reference, NodeItemStatus.Failed, ex.Message));
            }
        }

        return NodeRunResult.FromOutcomes(outcomes);
    }

    private async Task<NodeItemOutcome> CheckAsync(string reference, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var path = layout.PartitionPath(reference);
        if (PartitionTimestamp.Read(path) is null)
        {
            return new NodeItemOutcome(reference, NodeItemStatus.NotReady, "not deployed yet");
        }

        progress?.Report(new NodeProgress(Command, reference, "promises"));
        var failed = (await promises.RunAsync(path, layout.UserFor(reference), cancellationToken).ConfigureAwait(false))
            .Where(p => !p.Success)
            .ToList();
        if (failed.Count == 0)
        {
            return new NodeItemOutcome(reference, NodeItemStatus.Done);
        }

        var message = InstanceRun.PromiseFailureMessage(failed);
        logger.PromisesFailed(reference, failed.Count);
        await master.ReportInstanceStateAsync(layout.ComputerReference, reference, ReportedState.Error, message, cancellationToken).ConfigureAwait(false);
        return new NodeItemOutcome(reference, NodeItemStatus.PromiseFailed, message);
    }
}
