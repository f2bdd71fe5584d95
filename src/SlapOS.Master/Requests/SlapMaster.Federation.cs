using Microsoft.Extensions.Logging;
using SlapOS.Master.Federation;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master;

/// <summary>
/// Requests forwarded to external masters: recorded here (no local partition) once the external master
/// accepted them, so that re-requests and the requester's tree see them; re-requests and destroys follow.
/// </summary>
internal sealed partial class SlapMaster
{
    private async Task<SoftwareInstance> CreateForwardedAsync(InstanceRequest request, SoftwareInstance instance, string masterUrl, CancellationToken cancellationToken)
    {
        var externalTitle = RequestForwarder.ExternalTitleOf(request);

        // Sent first, recorded after: an unreachable master leaves nothing here, and the retry is idempotent there.
        var remote = await forwarder!.SendAsync(masterUrl, externalTitle, request with { State = instance.RequestedState }, cancellationToken).ConfigureAwait(false);
        var stored = Reported(instance, remote) with
        {
            ConnectionParameters = remote.ConnectionParameters,
            ComputerReference = null,
            PartitionReference = null,
            HostInstanceReference = null,
            Version = 0,
        };
        await forwarder.Store.InsertForwardedInstanceAsync(stored, RecordOf(stored.Reference, masterUrl, externalTitle, remote), cancellationToken).ConfigureAwait(false);
        MasterLog.Allocated(logger, stored.Title, stored.RequesterReference, masterUrl, remote.Reference, stored.Reference);
        return stored;
    }

    private async Task<SoftwareInstance> ReRequestForwardedAsync(SoftwareInstance existing, ForwardedInstance forwarded, InstanceRequest request, CancellationToken cancellationToken)
    {
        var root = existing.IsRoot ? null : await store.GetInstanceAsync(existing.RootReference, cancellationToken).ConfigureAwait(false);
        var wanted = root is null ? request.State : TreeState(root, request.State);
        SoftwareInstance remote;
        try
        {
            remote = await forwarder!.SendAsync(forwarded.MasterUrl, forwarded.ExternalTitle, request with { State = wanted }, cancellationToken).ConfigureAwait(false);
        }
        catch (ExternalMasterUnavailableException e)
        {
            await forwarder!.Store.UpdateForwardedInstanceAsync(forwarded with { LastError = e.Message }, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (wanted == RequestedState.Destroyed)
        {
            // The external master took the destruction and frees its partition: nothing is left here but the
            // children, which are destroyed as any child is (forwarded ones on their own master).
            await DestroyDescendantsAsync(existing, cancellationToken).ConfigureAwait(false);
            await forwarder.Store.DeleteForwardedInstanceAsync(existing.Reference, cancellationToken).ConfigureAwait(false);
            FederationLog.DestroyForwarded(logger, existing.Reference, forwarded.MasterUrl);
            return existing with { RequestedState = RequestedState.Destroyed, ConnectionParameters = remote.ConnectionParameters };
        }

        var (updated, changed) = await UpdateAsync(existing, current =>
        {
            var unchanged = current.SoftwareReleaseUrl == request.SoftwareReleaseUrl
                && current.SoftwareType == request.SoftwareType
                && current.RequestedState == wanted
                && SameParameters(current.Parameters, request.Parameters)
                && SameParameters(current.ConnectionParameters, remote.ConnectionParameters);
            if (unchanged)
            {
                // Only what the external master's node reported may have moved: no new timestamp, nothing to redo.
                var reported = Reported(current, remote);
                return ReferenceEquals(reported, current) ? null : reported;
            }

            return Reported(current, remote) with
            {
                SoftwareReleaseUrl = request.SoftwareReleaseUrl,
                SoftwareType = request.SoftwareType,
                Parameters = request.Parameters,
                RequestedState = wanted,
                ConnectionParameters = remote.ConnectionParameters,
                Timestamp = InstanceTimestamp.Next(timeProvider.GetUtcNow(), current.Timestamp),
            };
        }, cancellationToken).ConfigureAwait(false);

        await forwarder.Store.UpdateForwardedInstanceAsync(RecordOf(existing.Reference, forwarded.MasterUrl, forwarded.ExternalTitle, remote), cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            MasterLog.InstanceUpdated(logger, updated.Reference, updated.RequestedState, updated.Timestamp);
        }

        return updated;
    }

    /// <summary>
    /// Asks the external master again for a forwarded instance as it was last requested here, to bring back its
    /// connection parameters (what the background refresh does).
    /// </summary>
    internal async Task<SoftwareInstance> RefreshForwardedAsync(SoftwareInstance instance, CancellationToken cancellationToken) =>
        await ReRequestAsync(instance, new InstanceRequest
        {
            Title = instance.Title,
            RequesterReference = instance.RequesterReference,
            SoftwareReleaseUrl = instance.SoftwareReleaseUrl,
            SoftwareType = instance.SoftwareType,
            Parameters = instance.Parameters,
            Sla = instance.Sla,
            Shared = instance.Shared,
            State = instance.RequestedState,
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <paramref name="instance"/> with what the external master says its node last reported (state, error), so that
    /// every view here shows it as for a local instance; the time is when this master learned it.
    /// </summary>
    private SoftwareInstance Reported(SoftwareInstance instance, SoftwareInstance remote) =>
        instance.ReportedState == remote.ReportedState && instance.ErrorMessage == remote.ErrorMessage
            ? instance
            : instance with { ReportedState = remote.ReportedState, ErrorMessage = remote.ErrorMessage, ReportedAt = timeProvider.GetUtcNow() };

    private ForwardedInstance RecordOf(string instanceReference, string masterUrl, string externalTitle, SoftwareInstance remote) => new()
    {
        InstanceReference = instanceReference,
        MasterUrl = masterUrl,
        ExternalTitle = externalTitle,
        ExternalReference = remote.Reference,
        ExternalComputerReference = string.IsNullOrEmpty(remote.ComputerReference) ? null : remote.ComputerReference,
        ExternalPartitionReference = string.IsNullOrEmpty(remote.PartitionReference) ? null : remote.PartitionReference,
        SyncedAt = timeProvider.GetUtcNow(),
    };
}
