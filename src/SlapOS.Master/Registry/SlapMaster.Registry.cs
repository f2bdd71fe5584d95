using System.Globalization;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master;

/// <summary>The registry: computers, partitions, supplies and the computer document.</summary>
internal sealed partial class SlapMaster
{
    public async Task<Computer> RegisterComputerAsync(Computer computer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(computer);
        SlapReference.Validate(computer.Reference, "computer_id");
        if (computer.Title is not null)
        {
            SlapReference.ValidateTitle(computer.Title, "computer title");
        }

        SlapReference.ValidateParameters(computer.Attributes, "attributes", maxTotalBytes: 64 * 1024);
        if (computer.Attributes.TryGetValue(Computer.PriceAttribute, out var price)
            && !decimal.TryParse(price, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            throw new SlapValidationException("attributes.price", $"'{price}' is not a number");
        }

        await store.UpsertComputerAsync(computer, cancellationToken).ConfigureAwait(false);
        return await GetComputerAsync(computer.Reference, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Computer> GetComputerAsync(string computerReference, CancellationToken cancellationToken) =>
        await store.GetComputerAsync(SlapReference.Validate(computerReference, "computer_id"), cancellationToken).ConfigureAwait(false)
        ?? throw new SlapNotFoundException("computer", computerReference);

    public Task<long> GetChangeStampAsync(string computerReference, CancellationToken cancellationToken) =>
        store.GetChangeStampAsync(SlapReference.Validate(computerReference, "computer_id"), cancellationToken);

    public IAsyncEnumerable<Computer> ListComputersAsync(CancellationToken cancellationToken) => store.ListComputersAsync(cancellationToken);

    public async Task<FormatResult> FormatComputerAsync(ComputerFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(format);
        SlapReference.Validate(format.ComputerReference, "computer_id");
        if (format.Partitions.Count > 10_000)
        {
            throw new SlapValidationException("partitions", "more than 10000 partitions");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var partition in format.Partitions)
        {
            SlapReference.ValidatePartitionReference(partition.Reference, "partition reference", options.Value.IsSlapproxy());
            if (!seen.Add(partition.Reference))
            {
                throw new SlapValidationException("partitions", $"'{partition.Reference}' is listed twice");
            }

            if (partition.Addresses.Count > 64)
            {
                throw new SlapValidationException("partitions", $"'{partition.Reference}' has more than 64 addresses");
            }
        }

        var result = await store.ApplyFormatAsync(format, cancellationToken).ConfigureAwait(false);
        if (result.KeptBusy.Count > 0 && options.Value.IsSlapproxy())
        {
            result = await DropBusyPartitionsAsync(format, result, cancellationToken).ConfigureAwait(false);
        }

        MasterLog.Formatted(logger, format.ComputerReference, result.Added.Count, result.Updated.Count, result.Removed.Count, result.KeptBusy.Count);
        return result;
    }

    /// <summary>
    /// Slapproxy profile: a format that no longer lists a busy partition drops it with its instance and the shared
    /// instances that instance requested or hosted, as slapproxy deletes the partition (its node no longer has it). An
    /// instance that still has child partitions keeps its partition, as the production master keeps every busy one.
    /// </summary>
    private async Task<FormatResult> DropBusyPartitionsAsync(ComputerFormat format, FormatResult result, CancellationToken cancellationToken)
    {
        foreach (var partition in result.KeptBusy)
        {
            if (await store.GetPartitionInstanceAsync(format.ComputerReference, partition, cancellationToken).ConfigureAwait(false) is not { } instance)
            {
                continue;
            }

            var children = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { RequesterReference = instance.Reference }, cancellationToken)).ConfigureAwait(false);
            if (children.Any(c => !c.Shared))
            {
                continue;
            }

            MasterLog.DroppedWithPartition(logger, format.ComputerReference, partition, instance.Reference);
            await DropInstanceAsync(instance, children, cancellationToken).ConfigureAwait(false);
        }

        // The freed partitions are not in the format: applying it again removes them.
        var again = await store.ApplyFormatAsync(format, cancellationToken).ConfigureAwait(false);
        return result with { Removed = [.. result.Removed, .. again.Removed], KeptBusy = again.KeptBusy };
    }

    public Task<IReadOnlyList<ComputerCapacity>> ListComputerCapacityAsync(CancellationToken cancellationToken) => store.ListComputerCapacityAsync(cancellationToken);

    public async Task<IReadOnlyList<ComputerPartition>> ListPartitionsAsync(string computerReference, CancellationToken cancellationToken)
    {
        await GetComputerAsync(computerReference, cancellationToken).ConfigureAwait(false);
        return await store.ListPartitionsAsync(computerReference, cancellationToken).ConfigureAwait(false);
    }

    public Task<ComputerPartition?> FindPartitionAsync(string computerReference, string partitionReference, CancellationToken cancellationToken) =>
        store.GetPartitionAsync(computerReference, partitionReference, cancellationToken);

    public async Task SupplyAsync(string computerReference, string softwareReleaseUrl, SupplyState state, CancellationToken cancellationToken)
    {
        SlapReference.ValidateSoftwareRelease(softwareReleaseUrl, "url", AnySoftwareRelease);
        if (!Enum.IsDefined(state))
        {
            throw new SlapValidationException("state", "is not available or destroyed");
        }

        await GetComputerAsync(computerReference, cancellationToken).ConfigureAwait(false);
        await store.SetSupplyAsync(computerReference, softwareReleaseUrl, state, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken)
    {
        SlapReference.ValidateSoftwareRelease(softwareReleaseUrl, "url", AnySoftwareRelease);
        if (!Enum.IsDefined(state))
        {
            throw new SlapValidationException("state", "is not a known installation state");
        }

        if (errorMessage is { Length: > 64 * 1024 })
        {
            throw new SlapValidationException("message", "is longer than 65536 characters");
        }

        await GetComputerAsync(computerReference, cancellationToken).ConfigureAwait(false);
        await store.ReportSoftwareInstallationAsync(computerReference, softwareReleaseUrl, state,
            state == SoftwareInstallationState.Error ? errorMessage ?? "error" : null, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SoftwareInstallation>> ListSoftwareInstallationsAsync(string computerReference, CancellationToken cancellationToken)
    {
        await GetComputerAsync(computerReference, cancellationToken).ConfigureAwait(false);
        return await store.ListSoftwareInstallationsAsync(computerReference, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken)
    {
        await GetComputerAsync(computerReference, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.TouchComputerAsync(computerReference, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StoreUnavailability.IsFull(e))
        {
            // The last contact is bookkeeping: a full disk must not stop nodes from reading what to run.
            MasterLog.ContactNotRecorded(logger, computerReference, e);
        }

        var installations = await store.ListSoftwareInstallationsAsync(computerReference, cancellationToken).ConfigureAwait(false);
        var partitions = await store.ListPartitionsAsync(computerReference, cancellationToken).ConfigureAwait(false);
        var instances = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { ComputerReference = computerReference }, cancellationToken)).ConfigureAwait(false);
        var byReference = instances.ToDictionary(i => i.Reference, StringComparer.Ordinal);

        // Root titles: roots on other computers are looked up once each.
        var rootTitles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rootReference in instances.Where(i => !i.Shared).Select(i => i.RootReference).Distinct(StringComparer.Ordinal))
        {
            var root = byReference.GetValueOrDefault(rootReference) ?? await store.GetInstanceAsync(rootReference, cancellationToken).ConfigureAwait(false);
            if (root is not null)
            {
                rootTitles[rootReference] = root.Title;
            }
        }

        var sharedByHost = instances.Where(i => i.Shared && i.HostInstanceReference is not null).ToLookup(i => i.HostInstanceReference!, StringComparer.Ordinal);
        var documents = new List<PartitionInstance>(partitions.Count);
        foreach (var partition in partitions)
        {
            var instance = partition.InstanceReference is { } reference ? byReference.GetValueOrDefault(reference) : null;
            documents.Add(PartitionDocument(partition, instance, instance is null ? null : rootTitles.GetValueOrDefault(instance.RootReference), instance is null ? [] : sharedByHost[instance.Reference]));
        }

        // A release the node reported removed is gone from its view, as SlapOS deletes the supply then.
        var pending = installations.Where(i => !(i.RequestedState == SupplyState.Destroyed && i.ReportedState == SoftwareInstallationState.Destroyed)).ToList();
        return new ComputerDocument(computerReference, pending, documents);
    }

    public async Task<PartitionInstance> GetPartitionDocumentAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        SlapReference.Validate(computerReference, "computer_id");
        var partition = await store.GetPartitionAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false)
            ?? throw new SlapNotFoundException("partition", $"{computerReference}/{partitionReference}");
        var instance = partition.InstanceReference is { } reference ? await store.GetInstanceAsync(reference, cancellationToken).ConfigureAwait(false) : null;
        if (instance is null)
        {
            return PartitionDocument(partition, null, null, []);
        }

        var rootTitle = instance.IsRoot ? instance.Title : (await store.GetInstanceAsync(instance.RootReference, cancellationToken).ConfigureAwait(false))?.Title;
        var shared = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { HostInstanceReference = instance.Reference, Shared = true }, cancellationToken)).ConfigureAwait(false);
        return PartitionDocument(partition, instance, rootTitle, shared);
    }

    /// <summary>One partition as the computer document shows it: empty when free, else its instance and the shared instances it hosts.</summary>
    private static PartitionInstance PartitionDocument(ComputerPartition partition, SoftwareInstance? instance, string? rootTitle, IEnumerable<SoftwareInstance> shared) =>
        instance is null
            ? new PartitionInstance { ComputerReference = partition.ComputerReference, PartitionReference = partition.Reference, Addresses = partition.Addresses }
            : new PartitionInstance
            {
                ComputerReference = partition.ComputerReference,
                PartitionReference = partition.Reference,
                InstanceReference = instance.Reference,
                Title = instance.Title,
                RootTitle = rootTitle,
                SoftwareReleaseUrl = instance.SoftwareReleaseUrl,
                SoftwareType = instance.SoftwareType,
                RequestedState = instance.RequestedState,
                Parameters = instance.Parameters,
                SharedInstances = [.. shared.Select(s => new SharedInstanceEntry(s.Reference, s.Title, s.SoftwareType, s.Parameters, s.Timestamp))],
                Addresses = partition.Addresses,
                Timestamp = instance.Timestamp,
                ConnectionParameters = instance.ConnectionParameters,
                TraceParent = instance.TraceParent,
            };
}
