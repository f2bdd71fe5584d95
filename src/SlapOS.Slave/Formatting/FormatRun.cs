using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Managers;

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
    SlapOS.Slave.Identity.ComputerCertificateRenewal renewal,
    NodeManagers managers,
    ILogger<FormatRun> logger)
{
    private const string Command = "format";

    public async Task<NodeRunResult> RunAsync(IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        // Format runs regularly (and first): the place to renew the computer's certificate before it expires.
        await renewal.RenewIfDueAsync(cancellationToken).ConfigureAwait(false);
        var busy = new HashSet<string>(await BusyOnMasterAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);

        // A partition that applied an instance here is busy too, whatever the master says: never drop it.
        busy.UnionWith(LocallyDeployedPartitions());
        progress?.Report(new NodeProgress(Command, layout.ComputerReference, "formatting"));
        var partitions = await formatter.FormatAsync(layout.ToPartitionLayout(busy), cancellationToken).ConfigureAwait(false);
        NodeItemOutcome? managerFailure = null;
        try
        {
            await managers.FormatAsync(new NodeManagerComputer { ComputerReference = layout.ComputerReference, InstanceRoot = layout.InstanceRoot, Partitions = partitions }, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeManagerException ex)
        {
            // The partitions exist: they are still uploaded; the managers' failure is the run's.
            managerFailure = new NodeItemOutcome("managers", NodeItemStatus.Failed, ex.Message);
        }

        progress?.Report(new NodeProgress(Command, layout.ComputerReference, "uploading"));
        await master.ReportFormatAsync(
            new ComputerFormat(layout.ComputerReference, options.Value.ComputerAddress, options.Value.ComputerNetmask, partitions),
            cancellationToken).ConfigureAwait(false);
        logger.Formatted(partitions.Count);
        var outcomes = partitions.Select(p => new NodeItemOutcome(p.Reference, NodeItemStatus.Done)).ToList();
        if (managerFailure is not null)
        {
            outcomes.Add(managerFailure);
        }

        return NodeRunResult.FromOutcomes(outcomes);
    }

    private async Task<IEnumerable<string>> BusyOnMasterAsync(CancellationToken cancellationToken)
    {
        try
        {
            var document = await master.GetComputerDocumentAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
            return document.Partitions.Where(NodeLayout.HoldsInstance).Select(p => p.PartitionReference);
        }
        catch (SlapException e) when (e.Kind == SlapErrorKind.NotFound)
        {
            // A new computer: the master knows no partition of it yet, so none is busy there.
            return [];
        }
    }

    private List<string> LocallyDeployedPartitions()
    {
        if (!Directory.Exists(layout.InstanceRoot))
        {
            return [];
        }

        return Directory.EnumerateDirectories(layout.InstanceRoot)
            .Where(d => File.Exists(Path.Combine(d, NodeLayout.TimestampFileName)))
            .Select(d => Path.GetFileName(d))
            .ToList();
    }
}
