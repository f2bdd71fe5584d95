namespace SlapOS.Slave.Agent;

/// <summary>
/// The node agent (slapgrid): the commands <c>slapos node format|software|instance|report|promise</c>.
/// Each run takes the node lock, so two runs never overlap; a second run is refused at once.
/// </summary>
public interface INodeAgent
{
    /// <summary>Ensures the node's partitions through the formatter and uploads them to the master.</summary>
    Task<NodeRunResult> FormatAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Installs the releases supplied <c>available</c> and removes those supplied <c>destroyed</c>.</summary>
    Task<NodeRunResult> SoftwareAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Deploys, starts or stops every partition whose instance changed (or whose maximum periodicity passed), then runs its promises.</summary>
    Task<NodeRunResult> InstanceAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Reports usage per partition, then stops, wipes and frees every partition requested <c>destroyed</c>.</summary>
    Task<NodeRunResult> ReportAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Runs the promises of every deployed, started partition.</summary>
    Task<NodeRunResult> PromiseAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default);
}
