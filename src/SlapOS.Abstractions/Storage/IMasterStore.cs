namespace SlapOS;

/// <summary>
/// The master's durable state: computers and partitions, supplies, instances and their trees,
/// shared instances, connection parameters and usage. Implementations must be safe when
/// several master processes share one database: a partition is taken only by a conditional
/// update, and a lost race is reported, never a double allocation.
/// </summary>
public interface IMasterStore
{
    /// <summary>Creates or upgrades the schema (under a lock); refuses to downgrade.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Reads the applied schema version: proves the database answers (what readiness checks).</summary>
    Task<SchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>Creates or updates a computer and its operator-set attributes (partitions untouched).</summary>
    Task UpsertComputerAsync(Computer computer, CancellationToken cancellationToken);

    /// <summary>The computer, or <see langword="null"/>.</summary>
    Task<Computer?> GetComputerAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>Every computer, by reference.</summary>
    IAsyncEnumerable<Computer> ListComputersAsync(CancellationToken cancellationToken);

    /// <summary>Records that a computer contacted the master now.</summary>
    Task TouchComputerAsync(string computerReference, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a format upload: the computer is created if needed, partitions are added and updated,
    /// a partition missing from the upload is removed only if it is free.
    /// </summary>
    Task<FormatResult> ApplyFormatAsync(ComputerFormat format, CancellationToken cancellationToken);

    /// <summary>The partitions of a computer, by reference.</summary>
    Task<IReadOnlyList<ComputerPartition>> ListPartitionsAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>One partition by its key (its facts and addresses, never its siblings'), or <see langword="null"/>.</summary>
    Task<ComputerPartition?> GetPartitionAsync(string computerReference, string partitionReference, CancellationToken cancellationToken);

    /// <summary>Asks a computer to install or remove a release.</summary>
    Task SetSupplyAsync(string computerReference, string softwareReleaseUrl, SupplyState state, CancellationToken cancellationToken);

    /// <summary>Keeps what a node reported about a release on it.</summary>
    Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The releases supplied to a computer with their reported state.</summary>
    Task<IReadOnlyList<SoftwareInstallation>> ListSoftwareInstallationsAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>The instance requested by <paramref name="requesterReference"/> under <paramref name="title"/>, or <see langword="null"/>.</summary>
    Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, CancellationToken cancellationToken);

    /// <summary>
    /// The shared (<paramref name="isShared"/>) or ordinary instance requested by <paramref name="requesterReference"/> under <paramref name="title"/>:
    /// a shared instance and an ordinary one may share a title (schema version 5). The default serves stores that keep
    /// one instance per title.
    /// </summary>
    async Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, bool isShared, CancellationToken cancellationToken) =>
        await FindInstanceAsync(requesterReference, title, cancellationToken).ConfigureAwait(false) is { } found && found.Shared == isShared ? found : null;

    /// <summary>The instance with this reference, or <see langword="null"/>.</summary>
    Task<SoftwareInstance?> GetInstanceAsync(string instanceReference, CancellationToken cancellationToken);

    /// <summary>The instance allocated to a partition (not the shared ones it hosts), or <see langword="null"/>.</summary>
    Task<SoftwareInstance?> GetPartitionInstanceAsync(string computerReference, string partitionReference, CancellationToken cancellationToken);

    /// <summary>Instances matching the query.</summary>
    IAsyncEnumerable<SoftwareInstance> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every computer with its attributes, how many partitions it has (free and in all), and whether
    /// <paramref name="softwareReleaseUrl"/> is installed there, in one query. Full and closed computers
    /// are included (with no free partition) so that the pipeline can explain what eliminated them.
    /// </summary>
    Task<IReadOnlyList<AllocationCandidate>> ListAllocationCandidatesAsync(string softwareReleaseUrl, CancellationToken cancellationToken);

    /// <summary>
    /// How full each computer is (free, reserved and all partitions), by reference. The default reads every computer's
    /// partitions and instances; a database store answers with one aggregate query over its counters.
    /// </summary>
    async Task<IReadOnlyList<ComputerCapacity>> ListComputerCapacityAsync(CancellationToken cancellationToken)
    {
        var capacity = new List<ComputerCapacity>();
        await foreach (var computer in ListComputersAsync(cancellationToken).ConfigureAwait(false))
        {
            var partitions = await ListPartitionsAsync(computer.Reference, cancellationToken).ConfigureAwait(false);
            var reserved = 0;
            await foreach (var instance in ListInstancesAsync(new InstanceQuery { ComputerReference = computer.Reference, Shared = false }, cancellationToken).ConfigureAwait(false))
            {
                if (instance.RequestedState == RequestedState.Destroyed && instance.PartitionReference is not null)
                {
                    reserved++;
                }
            }

            capacity.Add(new ComputerCapacity
            {
                ComputerReference = computer.Reference,
                Title = computer.Title,
                OwnerReference = computer.OwnerReference,
                AllocationOpen = computer.AllocationOpen,
                LastContact = computer.LastContact,
                TotalPartitions = partitions.Count,
                FreePartitions = partitions.Count(p => p.State == PartitionState.Free),
                ReservedPartitions = reserved,
            });
        }

        return [.. capacity.OrderBy(c => c.ComputerReference, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Atomically takes one free partition of <paramref name="computerReference"/> and inserts
    /// <paramref name="instance"/> into it. Returns the instance as stored, or <see langword="null"/>
    /// when no partition there is free any more (a lost race: try the next computer).
    /// </summary>
    /// <exception cref="SlapException">Kind <see cref="SlapErrorKind.Conflict"/> when another request created the same (requester, title) first.</exception>
    Task<SoftwareInstance?> TryReservePartitionAsync(string computerReference, SoftwareInstance instance, CancellationToken cancellationToken);

    /// <summary>Inserts a shared instance (no partition of its own: hosted by <see cref="SoftwareInstance.HostInstanceReference"/>).</summary>
    /// <exception cref="SlapException">Kind <see cref="SlapErrorKind.Conflict"/> when another request created the same (requester, title) first.</exception>
    Task<SoftwareInstance> InsertSharedInstanceAsync(SoftwareInstance instance, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces an instance if its stored version is still <see cref="SoftwareInstance.Version"/>;
    /// returns the stored instance with its new version, or <see langword="null"/> when someone else changed it first.
    /// </summary>
    Task<SoftwareInstance?> TryUpdateInstanceAsync(SoftwareInstance instance, CancellationToken cancellationToken);

    /// <summary>Removes a destroyed instance and returns its partition (if it had one) to the pool, clean.</summary>
    Task DeleteInstanceAndFreePartitionAsync(string instanceReference, CancellationToken cancellationToken);

    /// <summary>
    /// The computer's change stamp: it moves, in the same transaction, with every change its node must apply
    /// (a supply, an allocation, an instance whose timestamp moved, a root whose state changes its tree's, a
    /// partition freed, a release reported destroyed or reported without a supply — either changes the node's software list). Compare stamps for equality only; 0 when the computer is unknown or never changed.
    /// </summary>
    Task<long> GetChangeStampAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>Appends usage records.</summary>
    Task RecordUsageAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Usage records of a computer (or every computer when <see langword="null"/>) in [periodStart, periodEnd).</summary>
    IAsyncEnumerable<UsageRecord> ListUsageAsync(string? computerReference, DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken);
}
