using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>
/// What the portal reads, always for one caller: the same <see cref="SlapAuthorization"/> rules as the
/// APIs decide what is listed (an administrator sees everything, a person their trees and the computers
/// they own) and what a detail page may show (anything else is a <see cref="SlapForbiddenException"/>).
/// </summary>
internal sealed class PortalQueries(ISlapMaster master)
{
    private const int ActivityLines = 50;

    public async Task<IReadOnlyList<PortalComputer>> ListComputersAsync(SlapIdentity caller, CancellationToken cancellationToken)
    {
        var computers = new List<PortalComputer>();
        await foreach (var computer in master.ListComputersAsync(cancellationToken))
        {
            if (SlapAuthorization.MayActOnComputer(caller, computer.Reference, computer))
            {
                computers.Add(await DescribeAsync(computer, cancellationToken));
            }
        }

        return [.. computers.OrderBy(c => c.Computer.Reference, StringComparer.Ordinal)];
    }

    public async Task<PortalComputer> GetComputerAsync(SlapIdentity caller, string computerReference, CancellationToken cancellationToken)
    {
        var computer = await master.GetComputerAsync(computerReference, cancellationToken);
        SlapAuthorization.DemandComputer(caller, computerReference, computer);
        return await DescribeAsync(computer, cancellationToken);
    }

    public async Task SupplyAsync(SlapIdentity caller, string computerReference, string softwareReleaseUrl, SupplyState state, CancellationToken cancellationToken)
    {
        var computer = await master.GetComputerAsync(computerReference, cancellationToken);
        SlapAuthorization.DemandComputer(caller, computerReference, computer);
        var url = SlapReference.ValidateSoftwareReleaseUrl(softwareReleaseUrl, "software_release_uri");
        await master.SupplyAsync(computerReference, url, state, cancellationToken);
    }

    /// <summary>How full each computer the caller may see is, from the store's one aggregate query (no partition is read).</summary>
    public async Task<IReadOnlyList<ComputerCapacity>> ListCapacityAsync(SlapIdentity caller, CancellationToken cancellationToken)
    {
        var capacity = await master.ListComputerCapacityAsync(cancellationToken);
        return [.. capacity.Where(c => SlapAuthorization.MayActOnComputer(caller, c.ComputerReference, new Computer { Reference = c.ComputerReference, OwnerReference = c.OwnerReference }))];
    }

    /// <summary>
    /// Starts, stops or destroys an instance the caller may act on: the master's own re-request of that instance (same
    /// requester, title, release, type, parameters and SLA, new state), so the tree rules apply as for any request
    /// (a child of a root that is not started takes the root's state; destroying an instance destroys its children).
    /// </summary>
    public async Task<SoftwareInstance> ChangeStateAsync(SlapIdentity caller, string instanceReference, RequestedState state, CancellationToken cancellationToken)
    {
        var (instance, _) = await GetInstanceAsync(caller, instanceReference, cancellationToken);
        return await master.RequestAsync(new InstanceRequest
        {
            Title = instance.Title,
            RequesterReference = instance.RequesterReference,
            SoftwareReleaseUrl = instance.SoftwareReleaseUrl,
            SoftwareType = instance.SoftwareType,
            Parameters = instance.Parameters,
            Sla = instance.Sla,
            Shared = instance.Shared,
            State = state,
        }, cancellationToken);
    }

    /// <summary>An instance the caller may act on (the tree's owner, the instance, its node or an administrator), with its tree.</summary>
    public async Task<(SoftwareInstance Instance, InstanceTree Tree)> GetInstanceAsync(SlapIdentity caller, string instanceReference, CancellationToken cancellationToken)
    {
        var tree = await master.GetInstanceTreeAsync(instanceReference, cancellationToken);
        var instance = tree.Instances.FirstOrDefault(i => i.Reference == instanceReference) ?? throw new SlapNotFoundException("instance", instanceReference);
        SlapAuthorization.DemandInstance(caller, instance, tree.Owner);
        return (instance, tree);
    }

    /// <summary>The roots of the trees the caller may see, by title.</summary>
    public async Task<IReadOnlyList<InstanceTree>> ListTreesAsync(SlapIdentity caller, CancellationToken cancellationToken)
    {
        // A person's roots are the instances they requested; anyone else is filtered by the rules.
        var query = caller is { IsAdmin: false, Kind: IdentityKind.Person or IdentityKind.Organisation }
            ? new InstanceQuery { RequesterReference = caller.Reference }
            : new InstanceQuery();
        var trees = new List<InstanceTree>();
        await foreach (var instance in master.ListInstancesAsync(query, cancellationToken))
        {
            if (instance.IsRoot && SlapAuthorization.MayActOnInstance(caller, instance, instance.RequesterReference))
            {
                trees.Add(await master.GetInstanceTreeAsync(instance.Reference, cancellationToken));
            }
        }

        return [.. trees.OrderBy(t => t.Root.Title, StringComparer.Ordinal).ThenBy(t => t.Root.Reference, StringComparer.Ordinal)];
    }

    public async Task<PortalTree> GetTreeAsync(SlapIdentity caller, string instanceReference, CancellationToken cancellationToken)
    {
        var tree = await master.GetInstanceTreeAsync(instanceReference, cancellationToken);
        SlapAuthorization.DemandInstance(caller, tree.Root, tree.Owner);
        var hosted = new Dictionary<string, IReadOnlyList<SoftwareInstance>>(StringComparer.Ordinal);
        foreach (var instance in tree.Instances.Where(i => !i.Shared))
        {
            var shared = new List<SoftwareInstance>();
            await foreach (var guest in master.ListInstancesAsync(new InstanceQuery { HostInstanceReference = instance.Reference }, cancellationToken))
            {
                shared.Add(guest);
            }

            if (shared.Count > 0)
            {
                hosted[instance.Reference] = shared;
            }
        }

        return new PortalTree(tree, hosted);
    }

    /// <summary>
    /// Recent activity, derived from what the engine keeps (it has no audit log): each instance's
    /// timestamp (its last request or bang) and last report, each release's last report, each computer's last contact.
    /// </summary>
    public async Task<IReadOnlyList<PortalActivity>> ListActivityAsync(SlapIdentity caller, CancellationToken cancellationToken)
    {
        var lines = new List<PortalActivity>();
        foreach (var tree in await ListTreesAsync(caller, cancellationToken))
        {
            var link = PortalFormat.TreePath(tree.Root.Reference);
            foreach (var instance in tree.Instances)
            {
                lines.Add(new PortalActivity(PortalFormat.TimeOf(instance.Timestamp), "request", instance.Title, $"requested {instance.RequestedState.ToWire()} by {instance.RequesterReference}", link));
                if (instance.ReportedAt is { } reportedAt)
                {
                    var detail = instance.ReportedState.ToWire() + (instance.ErrorMessage is { } error ? ": " + error : string.Empty);
                    lines.Add(new PortalActivity(reportedAt, "instance report", instance.Title, detail, link));
                }
            }
        }

        foreach (var computer in await ListComputersAsync(caller, cancellationToken))
        {
            var link = PortalFormat.ComputerPath(computer.Computer.Reference);
            if (computer.Computer.LastContact is { } contact)
            {
                lines.Add(new PortalActivity(contact, "contact", computer.Computer.Reference, "the node fetched its document", link));
            }

            foreach (var installation in computer.Installations)
            {
                if (installation is { ReportedAt: { } reportedAt, ReportedState: { } state })
                {
                    var detail = state.ToWire() + (installation.ErrorMessage is { } error ? ": " + error : string.Empty);
                    lines.Add(new PortalActivity(reportedAt, "release report", $"{computer.Computer.Reference}: {installation.SoftwareReleaseUrl}", detail, link));
                }
            }
        }

        return [.. lines.OrderByDescending(l => l.At).Take(ActivityLines)];
    }

    /// <summary>
    /// CPU seconds per bucket over [start, end), per tree and per computer; a record counts in the bucket
    /// of its start. Only records of computers the caller may see or of instances of their trees count.
    /// </summary>
    public async Task<PortalUsage> GetUsageAsync(SlapIdentity caller, string? computerReference, DateTimeOffset start, DateTimeOffset end, int bucketCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        var visibleComputers = (await ListComputersAsync(caller, cancellationToken)).Select(c => c.Computer.Reference).ToHashSet(StringComparer.Ordinal);
        var rootTitleOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tree in await ListTreesAsync(caller, cancellationToken))
        {
            foreach (var instance in tree.Instances)
            {
                rootTitleOf[instance.Reference] = tree.Root.Title;
            }
        }

        var width = (end - start) / bucketCount;
        var buckets = Enumerable.Range(0, bucketCount).Select(i => start + (width * i)).ToList();
        var byTree = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var byComputer = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        await foreach (var record in master.ListUsageAsync(computerReference, start, end, cancellationToken))
        {
            string? treeTitle = record.InstanceReference is { } i && rootTitleOf.TryGetValue(i, out var title) ? title : null;
            if (!caller.IsAdmin && treeTitle is null && !visibleComputers.Contains(record.ComputerReference))
            {
                continue;
            }

            var bucket = Math.Clamp((int)((record.Start - start) / width), 0, bucketCount - 1);
            Add(byComputer, record.ComputerReference, bucket, record, bucketCount);
            if (treeTitle is not null)
            {
                Add(byTree, treeTitle, bucket, record, bucketCount);
            }
        }

        return new PortalUsage(start, end, buckets, ToSeries(byTree), ToSeries(byComputer));
    }

    private static void Add(Dictionary<string, Accumulator> series, string name, int bucket, UsageRecord record, int bucketCount)
    {
        if (!series.TryGetValue(name, out var accumulator))
        {
            series[name] = accumulator = new Accumulator(new double[bucketCount]);
        }

        accumulator.Cpu[bucket] += record.CpuSeconds;
        accumulator.PeakMemory = Math.Max(accumulator.PeakMemory, record.MemoryBytes);
        accumulator.Records++;

        // Memory and disk are levels, not amounts: a partition counts once per bucket, at its highest report.
        var key = (bucket, record.ComputerReference, record.PartitionReference);
        var (memory, disk) = accumulator.Levels.GetValueOrDefault(key);
        accumulator.Levels[key] = (Math.Max(memory, record.MemoryBytes), Math.Max(disk, record.DiskBytes));
    }

    private static List<UsageSeries> ToSeries(Dictionary<string, Accumulator> series) =>
        [.. series.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value.ToSeries(s.Key))];

    private async Task<PortalComputer> DescribeAsync(Computer computer, CancellationToken cancellationToken)
    {
        var partitions = await master.ListPartitionsAsync(computer.Reference, cancellationToken);
        var installations = await master.ListSoftwareInstallationsAsync(computer.Reference, cancellationToken);
        var instances = new Dictionary<string, SoftwareInstance>(StringComparer.Ordinal);
        await foreach (var instance in master.ListInstancesAsync(new InstanceQuery { ComputerReference = computer.Reference, Shared = false }, cancellationToken))
        {
            if (instance.PartitionReference is { } partition)
            {
                instances[partition] = instance;
            }
        }

        return new PortalComputer(
            computer,
            [.. partitions.OrderBy(p => p.Reference.Length).ThenBy(p => p.Reference, StringComparer.Ordinal)],
            instances,
            [.. installations.OrderBy(i => i.SoftwareReleaseUrl, StringComparer.Ordinal)]);
    }

    private sealed class Accumulator(double[] cpu)
    {
        public double[] Cpu { get; } = cpu;

        public long PeakMemory { get; set; }

        public int Records { get; set; }

        public Dictionary<(int Bucket, string Computer, string Partition), (long Memory, long Disk)> Levels { get; } = [];

        public UsageSeries ToSeries(string name)
        {
            var memory = new double[Cpu.Length];
            var disk = new double[Cpu.Length];
            foreach (var ((bucket, _, _), (m, d)) in Levels)
            {
                memory[bucket] += m;
                disk[bucket] += d;
            }

            return new UsageSeries(name, Cpu, PeakMemory, Records) { MemoryBytes = memory, DiskBytes = disk };
        }
    }
}
