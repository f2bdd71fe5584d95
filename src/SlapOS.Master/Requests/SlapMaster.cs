using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Master.Allocation;
using SlapOS.Master.Federation;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master;

/// <summary>The master engine over an <see cref="IMasterStore"/>: requests, trees and shared instances.</summary>
internal sealed partial class SlapMaster(
    IMasterStore store,
    AllocationPipeline pipeline,
    MasterTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<SlapMaster> logger,
    IOptions<SlapOSMasterOptions> options,
    RequestForwarder? forwarder = null) : ISlapMaster
{
    private const int MaxOptimisticRetries = 20;

    /// <summary>slapproxy's profile: any string names a software release.</summary>
    private bool AnySoftwareRelease => options.Value.IsSlapproxy();

    public async Task<SoftwareInstance> RequestAsync(InstanceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(AnySoftwareRelease);
        var started = Stopwatch.GetTimestamp();
        using var activity = MasterTelemetry.ActivitySource.StartActivity("slapos.master.request");
        activity?.SetTag("slapos.title", request.Title);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var existing = await store.FindInstanceAsync(request.RequesterReference, request.Title, request.Shared, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    return Traced(activity, await ReRequestAsync(existing, request, cancellationToken).ConfigureAwait(false));
                }

                try
                {
                    return Traced(activity, await CreateAsync(request, cancellationToken).ConfigureAwait(false));
                }
                catch (SlapException e) when (e.Kind == SlapErrorKind.Conflict && attempt < 3)
                {
                    // Another request created the same (requester, title) first: serve this one as a re-request.
                }
            }
        }
        catch (NoFreePartitionException e)
        {
            MasterLog.NoCapacity(logger, request.Title, e.Message);
            throw;
        }
        finally
        {
            telemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>Tags the request's span with where the instance went.</summary>
    private static SoftwareInstance Traced(Activity? activity, SoftwareInstance instance)
    {
        if (activity is not null)
        {
            activity.SetTag("slapos.instance", instance.Reference);
            activity.SetTag("slapos.computer", instance.ComputerReference);
            activity.SetTag("slapos.partition", instance.PartitionReference);
        }

        return instance;
    }

    public async Task<SoftwareInstance> GetInstanceAsync(string instanceReference, CancellationToken cancellationToken) =>
        await store.GetInstanceAsync(SlapReference.Validate(instanceReference, "instance_guid"), cancellationToken).ConfigureAwait(false)
        ?? throw new SlapNotFoundException("instance", instanceReference);

    public Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, CancellationToken cancellationToken)
    {
        SlapReference.ValidateTitle(requesterReference, "requester");
        SlapReference.ValidateTitle(title, "title");
        return store.FindInstanceAsync(requesterReference, title, cancellationToken);
    }

    public async Task<SoftwareInstance> GetPartitionInstanceAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        SlapReference.Validate(computerReference, "computer_id");
        SlapReference.ValidatePartitionReference(partitionReference, "computer_partition_id", options.Value.IsSlapproxy());
        return await store.GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false)
            ?? throw new SlapNotFoundException("partition instance", $"{computerReference}/{partitionReference}");
    }

    public async Task<InstanceTree> GetInstanceTreeAsync(string instanceReference, CancellationToken cancellationToken)
    {
        var instance = await GetInstanceAsync(instanceReference, cancellationToken).ConfigureAwait(false);
        var members = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { RootReference = instance.RootReference }, cancellationToken)).ConfigureAwait(false);
        var root = members.FirstOrDefault(i => i.IsRoot) ?? throw new SlapNotFoundException("instance", instance.RootReference);
        return new InstanceTree(root, members);
    }

    public IAsyncEnumerable<SoftwareInstance> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return store.ListInstancesAsync(query, cancellationToken);
    }

    private async Task<SoftwareInstance> CreateAsync(InstanceRequest request, CancellationToken cancellationToken)
    {
        if (request.State == RequestedState.Destroyed)
        {
            throw new SlapNotFoundException("instance", $"{request.RequesterReference}/{request.Title}");
        }

        // A requester that is an instance makes this a child in that instance's tree.
        var parent = request.RequesterReference == InstanceRequest.RootRequester
            ? null
            : await store.GetInstanceAsync(request.RequesterReference, cancellationToken).ConfigureAwait(false);
        var state = request.State;
        string? rootReference = null;
        SoftwareInstance? root = null;
        if (parent is not null)
        {
            rootReference = parent.RootReference;
            root = parent.IsRoot ? parent : await store.GetInstanceAsync(parent.RootReference, cancellationToken).ConfigureAwait(false) ?? parent;
            if (root.RequestedState == RequestedState.Destroyed || parent.RequestedState == RequestedState.Destroyed)
            {
                throw new SlapException(SlapErrorKind.Conflict, $"the tree of '{root.Title}' is being destroyed: no new instance can join it");
            }

            state = TreeState(root, state);
        }

        var reference = await NewReferenceAsync(request, root, cancellationToken).ConfigureAwait(false);
        var instance = new SoftwareInstance
        {
            Reference = reference,
            Title = request.Title,
            RequesterReference = request.RequesterReference,
            RootReference = rootReference ?? reference,
            SoftwareReleaseUrl = request.SoftwareReleaseUrl,
            SoftwareType = request.SoftwareType,
            Parameters = request.Parameters,
            Sla = request.Sla,
            RequestedState = state,
            Shared = request.Shared,
            Timestamp = InstanceTimestamp.Next(timeProvider.GetUtcNow()),
            TraceParent = SlapTraceContext.Capture(Activity.Current),
        };

        // Federation: a forwarding rule may send the request to an external master (before the marketplace).
        if (forwarder?.Route(new AllocationContext(request)) is { } masterUrl)
        {
            return await CreateForwardedAsync(request, instance, masterUrl, cancellationToken).ConfigureAwait(false);
        }

        if (request.Shared)
        {
            return await CreateSharedAsync(request, instance, cancellationToken).ConfigureAwait(false);
        }

        var allocated = await pipeline.AllocateAsync(new AllocationContext(request with { Sla = await AllocationSlaAsync(request.Sla, cancellationToken).ConfigureAwait(false) }), instance, cancellationToken).ConfigureAwait(false);
        telemetry.Allocations.Add(1);
        MasterLog.Allocated(logger, allocated.Title, allocated.RequesterReference, allocated.ComputerReference, allocated.PartitionReference, allocated.Reference);
        return allocated;
    }

    /// <summary>
    /// The SLA allocation applies: in the slapproxy profile a request naming no computer goes to the default computer
    /// only, as slapproxy's does, once that computer has partitions (a master whose nodes have other names keeps
    /// placing anywhere). The stored SLA stays what was asked.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> AllocationSlaAsync(IReadOnlyDictionary<string, string> sla, CancellationToken cancellationToken)
    {
        if (!options.Value.IsSlapproxy() || sla.ContainsKey(SlaKeys.ComputerGuid))
        {
            return sla;
        }

        var computer = options.Value.Compatibility.DefaultComputer;
        var partitions = await store.ListPartitionsAsync(computer, cancellationToken).ConfigureAwait(false);
        return partitions.Count == 0 ? sla : new Dictionary<string, string>(sla, StringComparer.Ordinal) { [SlaKeys.ComputerGuid] = computer };
    }

    /// <summary>
    /// A new instance's reference: <c>SOFTINST-…</c> as the production master's, or in the slapproxy profile
    /// slapproxy's shape when it is a valid, unused reference (docs/compatibility.md).
    /// </summary>
    private async Task<string> NewReferenceAsync(InstanceRequest request, SoftwareInstance? root, CancellationToken cancellationToken)
    {
        if (options.Value.IsSlapproxy()
            && Compatibility.SlapproxyIdentifiers.InstanceGuid(request.Title, root?.Title ?? string.Empty, request.Shared) is { } shaped
            && await store.GetInstanceAsync(shaped, cancellationToken).ConfigureAwait(false) is null)
        {
            return shaped;
        }

        return "SOFTINST-" + Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
    }

    private async Task<SoftwareInstance> CreateSharedAsync(InstanceRequest request, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        var hostGuid = request.Sla.GetValueOrDefault(SlaKeys.InstanceGuid);
        var computerGuid = (await AllocationSlaAsync(request.Sla, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(SlaKeys.ComputerGuid);
        SoftwareInstance? host = null;
        await foreach (var candidate in store.ListInstancesAsync(new InstanceQuery { SoftwareReleaseUrl = request.SoftwareReleaseUrl, SoftwareType = request.SoftwareType, Shared = false }, cancellationToken).ConfigureAwait(false))
        {
            if (candidate.RequestedState != RequestedState.Destroyed
                && candidate.ComputerReference is not null
                && (hostGuid is null || candidate.Reference == hostGuid)
                && (computerGuid is null || candidate.ComputerReference == computerGuid))
            {
                host = candidate;
                break;
            }
        }

        if (host is null)
        {
            var which = hostGuid is null ? string.Empty : $" (instance_guid '{hostGuid}')";
            throw new SlapException(SlapErrorKind.NoCapacity,
                $"no instance of '{request.SoftwareReleaseUrl}' with software type '{request.SoftwareType}'{which} can host shared instance '{request.Title}'");
        }

        var stored = await store.InsertSharedInstanceAsync(instance with
        {
            ComputerReference = host.ComputerReference,
            PartitionReference = host.PartitionReference,
            HostInstanceReference = host.Reference,
        }, cancellationToken).ConfigureAwait(false);
        await BumpAsync(host.Reference, cancellationToken).ConfigureAwait(false);
        MasterLog.SharedHosted(logger, stored.Title, stored.Reference, host.Reference);
        return stored;
    }

    private async Task<SoftwareInstance> ReRequestAsync(SoftwareInstance existing, InstanceRequest request, CancellationToken cancellationToken)
    {
        // A forwarded instance follows its external master, whatever the rules say now.
        if (forwarder is not null && await forwarder.FindAsync(existing.Reference, cancellationToken).ConfigureAwait(false) is { } forwarded)
        {
            return await ReRequestForwardedAsync(existing, forwarded, request, cancellationToken).ConfigureAwait(false);
        }

        SoftwareInstance? root = null;
        if (!existing.IsRoot)
        {
            root = await store.GetInstanceAsync(existing.RootReference, cancellationToken).ConfigureAwait(false);
        }

        var wanted = root is null ? request.State : TreeState(root, request.State);
        if (existing.RequestedState == RequestedState.Destroyed && wanted != RequestedState.Destroyed)
        {
            throw new SlapException(SlapErrorKind.Conflict,
                $"instance '{existing.Title}' ({existing.Reference}) is being destroyed; request it again once its partition is freed");
        }

        var (updated, changed) = await UpdateAsync(existing, current =>
        {
            if (current.SoftwareReleaseUrl == request.SoftwareReleaseUrl
                && current.SoftwareType == request.SoftwareType
                && current.RequestedState == wanted
                && SameParameters(current.Parameters, request.Parameters))
            {
                return null;
            }

            // The SLA is not compared: an allocated instance never moves.
            return current with
            {
                SoftwareReleaseUrl = request.SoftwareReleaseUrl,
                SoftwareType = request.SoftwareType,
                Parameters = request.Parameters,
                RequestedState = wanted,
                Timestamp = InstanceTimestamp.Next(timeProvider.GetUtcNow(), current.Timestamp),
                TraceParent = SlapTraceContext.Capture(Activity.Current),
            };
        }, cancellationToken).ConfigureAwait(false);

        if (!changed)
        {
            return updated;
        }

        MasterLog.InstanceUpdated(logger, updated.Reference, updated.RequestedState, updated.Timestamp);
        if (updated.Shared)
        {
            if (updated.RequestedState == RequestedState.Destroyed)
            {
                // A shared instance has no partition to wipe: it leaves its host's list now.
                await store.DeleteInstanceAndFreePartitionAsync(updated.Reference, cancellationToken).ConfigureAwait(false);
            }

            if (updated.HostInstanceReference is { } host)
            {
                await BumpAsync(host, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (updated.RequestedState == RequestedState.Destroyed)
        {
            await DestroyDescendantsAsync(updated, cancellationToken).ConfigureAwait(false);
        }

        return updated;
    }

    /// <summary>A child of a root that is not started takes the root's state.</summary>
    private static RequestedState TreeState(SoftwareInstance root, RequestedState requested) =>
        root.RequestedState != RequestedState.Started && requested == RequestedState.Started ? root.RequestedState : requested;

    private async Task DestroyDescendantsAsync(SoftwareInstance parent, CancellationToken cancellationToken)
    {
        var children = await ToListAsync(store.ListInstancesAsync(new InstanceQuery { RequesterReference = parent.Reference }, cancellationToken)).ConfigureAwait(false);
        foreach (var child in children.Where(c => c.RequestedState != RequestedState.Destroyed))
        {
            await ReRequestAsync(child, new InstanceRequest
            {
                Title = child.Title,
                RequesterReference = child.RequesterReference,
                SoftwareReleaseUrl = child.SoftwareReleaseUrl,
                SoftwareType = child.SoftwareType,
                Parameters = child.Parameters,
                Shared = child.Shared,
                State = RequestedState.Destroyed,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Bumps an instance's timestamp (the node reprocesses it, as part of the current trace if any).</summary>
    private async Task<SoftwareInstance> BumpAsync(string instanceReference, CancellationToken cancellationToken) =>
        (await UpdateAsync(
            instanceReference,
            current => current with { Timestamp = InstanceTimestamp.Next(timeProvider.GetUtcNow(), current.Timestamp), TraceParent = SlapTraceContext.Capture(Activity.Current) },
            cancellationToken).ConfigureAwait(false)).Instance;

    private async Task<(SoftwareInstance Instance, bool Changed)> UpdateAsync(string instanceReference, Func<SoftwareInstance, SoftwareInstance?> change, CancellationToken cancellationToken)
    {
        var current = await store.GetInstanceAsync(instanceReference, cancellationToken).ConfigureAwait(false)
            ?? throw new SlapNotFoundException("instance", instanceReference);
        return await UpdateAsync(current, change, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="change"/> with optimistic concurrency: when another writer changed the
    /// instance first, reloads and applies it again. A <see langword="null"/> change is a no-op.
    /// </summary>
    private async Task<(SoftwareInstance Instance, bool Changed)> UpdateAsync(SoftwareInstance current, Func<SoftwareInstance, SoftwareInstance?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxOptimisticRetries; attempt++)
        {
            if (change(current) is not { } next)
            {
                return (current, false);
            }

            if (await store.TryUpdateInstanceAsync(next, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return (stored, true);
            }

            current = await store.GetInstanceAsync(current.Reference, cancellationToken).ConfigureAwait(false)
                ?? throw new SlapNotFoundException("instance", current.Reference);
        }

        throw new SlapException(SlapErrorKind.Conflict, $"instance '{current.Reference}' changed too often concurrently; try again");
    }

    private static bool SameParameters(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items.ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }
}
