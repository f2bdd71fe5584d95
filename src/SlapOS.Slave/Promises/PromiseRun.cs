using SlapOS.Slave.Agent;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Promises;

/// <summary>
/// <c>slapos node promise</c>: runs the promises of every deployed partition requested <c>started</c>
/// (without redeploying), reporting an error to the master for each partition whose promise fails.
/// </summary>
internal sealed class PromiseRun(ISlapMasterClient master, PromiseRunner promises, NodeLayout layout)
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

            var path = layout.PartitionPath(reference);
            if (PartitionTimestamp.Read(path) is null)
            {
                outcomes.Add(new NodeItemOutcome(reference, NodeItemStatus.NotReady, "not deployed yet"));
                continue;
            }

            progress?.Report(new NodeProgress(Command, reference, "promises"));
            var failed = (await promises.RunAsync(path, layout.UserFor(reference), cancellationToken).ConfigureAwait(false))
                .Where(p => !p.Success)
                .ToList();
            if (failed.Count == 0)
            {
                outcomes.Add(new NodeItemOutcome(reference, NodeItemStatus.Done));
                continue;
            }

            var message = InstanceRun.PromiseFailureMessage(failed);
            await master.ReportInstanceStateAsync(layout.ComputerReference, reference, ReportedState.Error, message, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new NodeItemOutcome(reference, NodeItemStatus.PromiseFailed, message));
        }

        return NodeRunResult.FromOutcomes(outcomes);
    }
}
