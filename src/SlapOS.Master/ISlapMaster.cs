namespace SlapOS.Master;

/// <summary>
/// The master engine, with every SlapOS semantic: the registry of computers, partitions and supplies,
/// instance requests (idempotent by title and requester, trees, shared instances), allocation, node
/// reports and usage. The APIs (JSON, XML, HATEOAS) call this facade after authorizing the caller.
/// Failures are <see cref="SlapException"/>s whose <see cref="SlapException.Kind"/> decides the answer.
/// </summary>
public interface ISlapMaster
{
    /// <summary>Creates or updates a computer and its attributes (region, cpu_architecture, network, price, any key).</summary>
    Task<Computer> RegisterComputerAsync(Computer computer, CancellationToken cancellationToken);

    /// <summary>The computer.</summary>
    /// <exception cref="SlapNotFoundException">No such computer.</exception>
    Task<Computer> GetComputerAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>Every computer.</summary>
    IAsyncEnumerable<Computer> ListComputersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies what <c>slapos node format</c> uploads: partitions are added and updated; a partition
    /// missing from the upload is removed only when free (<see cref="FormatResult.KeptBusy"/> names the others).
    /// </summary>
    Task<FormatResult> FormatComputerAsync(ComputerFormat format, CancellationToken cancellationToken);

    /// <summary>How full each computer is (free, used and reserved partitions), from one aggregate query of the store.</summary>
    Task<IReadOnlyList<ComputerCapacity>> ListComputerCapacityAsync(CancellationToken cancellationToken);

    /// <summary>The partitions of a computer.</summary>
    Task<IReadOnlyList<ComputerPartition>> ListPartitionsAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>One partition by its key, or <see langword="null"/>: what an answer about one instance needs, never the whole computer.</summary>
    Task<ComputerPartition?> FindPartitionAsync(string computerReference, string partitionReference, CancellationToken cancellationToken);

    /// <summary>Asks a computer to install (<see cref="SupplyState.Available"/>) or remove a release.</summary>
    Task SupplyAsync(string computerReference, string softwareReleaseUrl, SupplyState state, CancellationToken cancellationToken);

    /// <summary>Keeps what a node reported about a release (building, available, error with its message, destroyed).</summary>
    Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken);

    /// <summary>The releases supplied to a computer with their reported state.</summary>
    Task<IReadOnlyList<SoftwareInstallation>> ListSoftwareInstallationsAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>
    /// The computer's stored change stamp (see <see cref="IMasterStore.GetChangeStampAsync"/>): a node that saw
    /// another value has something to apply. The truth behind the long-poll, whichever master made the change.
    /// </summary>
    Task<long> GetChangeStampAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>What a node fetches: its releases and partitions with their instances; records the node's contact.</summary>
    Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>One partition of the computer document, read by key (its siblings are not read).</summary>
    Task<PartitionInstance> GetPartitionDocumentAsync(string computerReference, string partitionReference, CancellationToken cancellationToken);

    /// <summary>
    /// Requests an instance. Idempotent by (title, requester): an identical request returns the same
    /// instance unchanged; a changed release, software type, parameters or state updates it and bumps its
    /// timestamp; an allocated instance never moves. A new instance is allocated by the marketplace,
    /// or, when shared, hosted by a partition running the same release and software type.
    /// </summary>
    /// <exception cref="NoFreePartitionException">No partition can host it; the message says why.</exception>
    /// <exception cref="SlapValidationException">A field or SLA key is not acceptable.</exception>
    /// <exception cref="SlapNotFoundException">The SLA names a computer that does not exist.</exception>
    Task<SoftwareInstance> RequestAsync(InstanceRequest request, CancellationToken cancellationToken);

    /// <summary>The instance with this reference.</summary>
    /// <exception cref="SlapNotFoundException">No such instance.</exception>
    Task<SoftwareInstance> GetInstanceAsync(string instanceReference, CancellationToken cancellationToken);

    /// <summary>The instance a requester requested under a title, or <see langword="null"/>.</summary>
    Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, CancellationToken cancellationToken);

    /// <summary>The instance a partition runs.</summary>
    /// <exception cref="SlapNotFoundException">The partition holds no instance.</exception>
    Task<SoftwareInstance> GetPartitionInstanceAsync(string computerReference, string partitionReference, CancellationToken cancellationToken);

    /// <summary>The tree an instance belongs to.</summary>
    Task<InstanceTree> GetInstanceTreeAsync(string instanceReference, CancellationToken cancellationToken);

    /// <summary>Instances matching a query.</summary>
    IAsyncEnumerable<SoftwareInstance> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes the connection parameters of the partition's instance or, with
    /// <paramref name="sharedInstanceReference"/>, of a shared instance it hosts. The requester reads them on re-request.
    /// </summary>
    Task PublishConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken);

    /// <summary>Keeps what a node reports about a partition's instance (started, stopped, error with its message).</summary>
    Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken);

    /// <summary>
    /// The node destroyed the partition's instance: the partition returns to the pool, clean. Only once the
    /// instance was requested destroyed, and only after its children.
    /// </summary>
    Task ReportDestroyedAsync(string computerReference, string partitionReference, CancellationToken cancellationToken);

    /// <summary>Asks the whole tree of the partition's instance to be reprocessed (timestamp bump).</summary>
    Task BangAsync(string computerReference, string partitionReference, string? message, CancellationToken cancellationToken);

    /// <summary>Renames the partition's instance.</summary>
    Task<SoftwareInstance> RenameAsync(string computerReference, string partitionReference, string newTitle, CancellationToken cancellationToken);

    /// <summary>Records what a computer's partitions used.</summary>
    Task RecordUsageAsync(UsageReport report, CancellationToken cancellationToken);

    /// <summary>Usage records of a computer (or all) in [periodStart, periodEnd).</summary>
    IAsyncEnumerable<UsageRecord> ListUsageAsync(string? computerReference, DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken);
}
