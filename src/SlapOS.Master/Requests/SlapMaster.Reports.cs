using System.Diagnostics;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master;

/// <summary>What nodes and partitions report: states, connection parameters, bang, rename, destruction, usage.</summary>
internal sealed partial class SlapMaster
{
    public async Task PublishConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        SlapReference.ValidateParameters(parameters, "connection_parameters");
        var host = await GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        var target = host;
        if (sharedInstanceReference is not null)
        {
            SlapReference.Validate(sharedInstanceReference, "slave_reference");
            target = await store.GetInstanceAsync(sharedInstanceReference, cancellationToken).ConfigureAwait(false);
            if (target is null || !target.Shared || target.HostInstanceReference != host.Reference)
            {
                throw new SlapNotFoundException("shared instance hosted by " + host.Reference, sharedInstanceReference);
            }
        }

        var (updated, changed) = await UpdateAsync(target, current =>
            SameParameters(current.ConnectionParameters, parameters) ? null : current with { ConnectionParameters = parameters }, cancellationToken).ConfigureAwait(false);

        // The requester reads them on its next request: when it is an instance, have its node reprocess it.
        if (changed && !updated.IsRoot && updated.RequesterReference != host.Reference
            && await store.GetInstanceAsync(updated.RequesterReference, cancellationToken).ConfigureAwait(false) is { Shared: false } requester)
        {
            await BumpAsync(requester.Reference, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(state) || state == ReportedState.None)
        {
            throw new SlapValidationException("state", $"'{state}' cannot be reported");
        }

        if (state == ReportedState.Destroyed)
        {
            await ReportDestroyedAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (errorMessage is { Length: > 64 * 1024 })
        {
            throw new SlapValidationException("message", "is longer than 65536 characters");
        }

        var instance = await GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        await UpdateAsync(instance, current => current with
        {
            ReportedState = state,
            ErrorMessage = state == ReportedState.Error ? errorMessage ?? "error" : null,
            ReportedAt = now,
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReportDestroyedAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        var instance = await GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        // The slapproxy profile takes the node's word, as slapproxy frees any partition its node reports destroyed.
        if (instance.RequestedState != RequestedState.Destroyed && !options.Value.IsSlapproxy())
        {
            throw new SlapException(SlapErrorKind.Conflict, $"instance '{instance.Title}' ({instance.Reference}) is {instance.RequestedState.ToWire()}, not requested destroyed: its partition cannot be freed");
        }

        var children = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { RequesterReference = instance.Reference }, cancellationToken)).ConfigureAwait(false);
        var waiting = children.Where(c => !c.Shared).Select(c => c.Title).ToList();
        if (waiting.Count > 0)
        {
            // SlapOS's sentence: its node reads it from a 200 answer and retries later.
            throw new SlapException(SlapErrorKind.NotReady, $"Not destroying yet because this partition has child partitions: {string.Join(", ", waiting)}");
        }

        await DropInstanceAsync(instance, children, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes <paramref name="instance"/> and frees its partition, with the shared instances it requested
    /// (<paramref name="children"/>, whose non-shared members the caller has ruled out) or hosted, and revokes its
    /// certificates: what its node reporting it destroyed does.
    /// </summary>
    private async Task DropInstanceAsync(SoftwareInstance instance, IReadOnlyList<SoftwareInstance> children, CancellationToken cancellationToken)
    {
        // Shared instances it requested or hosted have no partition: they go with it.
        var hosted = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { HostInstanceReference = instance.Reference }, cancellationToken)).ConfigureAwait(false);
        foreach (var shared in children.Concat(hosted).DistinctBy(i => i.Reference))
        {
            await store.DeleteInstanceAndFreePartitionAsync(shared.Reference, cancellationToken).ConfigureAwait(false);
            if (shared.HostInstanceReference is { } host && host != instance.Reference)
            {
                await BumpAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }

        await store.DeleteInstanceAndFreePartitionAsync(instance.Reference, cancellationToken).ConfigureAwait(false);
        MasterLog.PartitionFreed(logger, instance.ComputerReference ?? string.Empty, instance.PartitionReference ?? string.Empty, instance.Reference);

        // The instance is gone: its partition's certificates must not open the master any more.
        if (store is IIdentityStore identities)
        {
            await identities.RevokeCertificatesAsync(IdentityKind.Partition, instance.Reference, null, timeProvider.GetUtcNow(), RevocationReason.CessationOfOperation, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task BangAsync(string computerReference, string partitionReference, string? message, CancellationToken cancellationToken)
    {
        using var activity = MasterTelemetry.ActivitySource.StartActivity("slapos.master.bang");
        activity?.SetTag("slapos.computer", computerReference);
        activity?.SetTag("slapos.partition", partitionReference);
        var instance = await GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        var tree = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { RootReference = instance.RootReference }, cancellationToken)).ConfigureAwait(false);
        // The whole tree takes one new timestamp, as SlapOS does (its nodes compare them across the tree).
        var stamp = InstanceTimestamp.Next(timeProvider.GetUtcNow(), tree.Count == 0 ? null : tree.Max(m => m.Timestamp));
        foreach (var member in tree)
        {
            await UpdateAsync(member.Reference, current => current with
            {
                Timestamp = stamp > current.Timestamp ? stamp : InstanceTimestamp.Next(timeProvider.GetUtcNow(), current.Timestamp),
                TraceParent = SlapTraceContext.Capture(Activity.Current),
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<SoftwareInstance> RenameAsync(string computerReference, string partitionReference, string newTitle, CancellationToken cancellationToken)
    {
        SlapReference.ValidateTitle(newTitle, "new_name");
        var instance = await GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        var (renamed, _) = await UpdateAsync(instance, current => current.Title == newTitle ? null : current with
        {
            Title = newTitle,
            Timestamp = InstanceTimestamp.Next(timeProvider.GetUtcNow(), current.Timestamp),
        }, cancellationToken).ConfigureAwait(false);
        return renamed;
    }

    public async Task RecordUsageAsync(UsageReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        await GetComputerAsync(report.ComputerReference, cancellationToken).ConfigureAwait(false);
        if (report.Records.Count > 100_000)
        {
            throw new SlapValidationException("usage", "has more than 100000 records");
        }

        foreach (var record in report.Records)
        {
            if (record.ComputerReference != report.ComputerReference)
            {
                throw new SlapValidationException("usage", $"a record of computer '{record.ComputerReference}' is in the report of '{report.ComputerReference}'");
            }

            SlapReference.Validate(record.PartitionReference, "usage partition");
            if (record.End < record.Start)
            {
                throw new SlapValidationException("usage", $"the period of partition '{record.PartitionReference}' ends before it starts");
            }
        }

        await store.RecordUsageAsync(report.Records, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<UsageRecord> ListUsageAsync(string? computerReference, DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken) =>
        store.ListUsageAsync(computerReference, periodStart, periodEnd, cancellationToken);
}
