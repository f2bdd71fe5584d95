using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Formatting;

/// <summary>
/// <c>slapos node format</c>: ensures the partitions through the formatter, keeping every partition the
/// master says is busy, and uploads them to the master.
/// </summary>
internal sealed class FormatRun(
    ISlapMasterClient master,
    IPartitionFormatter formatter,
    NodeLayout layout,
    IOptions<SlapOSSlaveOptions> options,
    ILogger<FormatRun> logger)
{
    private const string Command = "format";

    public async Task<NodeRunResult> RunAsync(IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var document = await master.GetComputerDocumentAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
        var busy = document.Partitions.Where(NodeLayout.HoldsInstance).Select(p => p.PartitionReference);
        progress?.Report(new NodeProgress(Command, layout.ComputerReference, "formatting"));
        var partitions = await formatter.FormatAsync(layout.ToPartitionLayout(busy), cancellationToken).ConfigureAwait(false);
        progress?.Report(new NodeProgress(Command, layout.ComputerReference, "uploading"));
        await master.ReportFormatAsync(
            new ComputerFormat(layout.ComputerReference, options.Value.ComputerAddress, options.Value.ComputerNetmask, partitions),
            cancellationToken).ConfigureAwait(false);
        logger.Formatted(partitions.Count);
        return NodeRunResult.FromOutcomes(partitions.Select(p => new NodeItemOutcome(p.Reference, NodeItemStatus.Done)).ToList());
    }
}
