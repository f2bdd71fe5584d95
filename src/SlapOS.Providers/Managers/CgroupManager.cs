using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>
/// Gives each partition its own cgroup (memory, pids and CPU weight limits), places the partition's processes in
/// it, gives an exclusive core to a partition that asks through <c>.slapos-cpu-exclusive</c> (slapgrid's cpuset
/// manager), tells the master when the kernel killed a process over the memory limit, and measures usage from the
/// cgroup. cgroup v2 where it offers the controllers, v1 hierarchies otherwise.
/// </summary>
public sealed class CgroupManager : INodeManager
{
    /// <summary>The request file of an exclusive core, in the partition directory (slapgrid's name).</summary>
    public const string CpuExclusiveFile = ".slapos-cpu-exclusive";

    private readonly CgroupManagerOptions _options;
    private readonly ILogger<CgroupManager> _logger;
    private readonly Lazy<CgroupHierarchy> _hierarchy;
    private readonly ConcurrentDictionary<string, long> _oomKillsSeen = new(StringComparer.Ordinal);
    private readonly Lock _cpusetLock = new();

    /// <summary>Creates the manager.</summary>
    public CgroupManager(IOptions<CgroupManagerOptions> options, ILogger<CgroupManager> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _hierarchy = new Lazy<CgroupHierarchy>(() => CgroupHierarchy.Detect(_options));
    }

    /// <inheritdoc />
    public string Name => "cgroup";

    /// <summary>Whether the manager works on cgroup v2 (else v1 hierarchies).</summary>
    public bool IsV2 => Hierarchy.IsV2;

    private CgroupHierarchy Hierarchy => _hierarchy.Value;

    /// <summary>The partition's cgroup directory of a controller (<c>memory</c>, <c>pids</c>, <c>cpu</c>, <c>cpuset</c>, <c>cpuacct</c>), or null when it is not mounted.</summary>
    public string? PartitionCgroup(string controller, string partitionReference) => Hierarchy.Partition(controller, partitionReference);

    /// <summary>The node's cgroup directories (one per mounted hierarchy on v1).</summary>
    public IEnumerable<string> NodeCgroups() => Hierarchy.NodeRoots();

    /// <inheritdoc />
    public Task FormatAsync(NodeManagerComputer computer, CancellationToken cancellationToken)
    {
        EnsureNodeRoot();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task BeforeInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        EnsurePartition(partition.PartitionReference);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        EnsurePartition(partition.PartitionReference);
        Place(partition.PartitionReference, partition.ProcessIds);
        ApplyExclusiveRequest(partition);
        ThrowOnNewOomKills(partition.PartitionReference);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<NodeManagerUsage?> ReportAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        EnsurePartition(partition.PartitionReference);

        // Programs restarted by the supervisor since the instance run start outside the cgroup: place them again.
        Place(partition.PartitionReference, partition.ProcessIds);
        ThrowOnNewOomKills(partition.PartitionReference);
        return Task.FromResult<NodeManagerUsage?>(Measure(partition.PartitionReference));
    }

    /// <inheritdoc />
    public Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        Remove(partition.PartitionReference);
        return Task.CompletedTask;
    }

    /// <summary>How many processes the kernel killed in the partition for going over its memory limit.</summary>
    public long OomKills(string partitionReference)
    {
        var memory = Hierarchy.Partition("memory", partitionReference)!;
        var file = Path.Combine(memory, Hierarchy.IsV2 ? "memory.events" : "memory.oom_control");
        return File.Exists(file) ? ReadKeyed(file, "oom_kill") : 0;
    }

    private void ThrowOnNewOomKills(string reference)
    {
        var kills = OomKills(reference);
        var seen = _oomKillsSeen.GetOrAdd(reference, 0);
        if (kills > seen)
        {
            _oomKillsSeen[reference] = kills;
            var limit = Limits(reference).MemoryLimitBytes;
            CgroupManagerLog.OomKilled(_logger, reference, kills - seen, limit);
            throw new NodeManagerException(
                $"cgroup: the kernel killed {kills - seen} process(es) of {reference} that went over its memory limit of {limit?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} bytes (out of memory).");
        }
    }

    private void EnsureNodeRoot()
    {
        foreach (var root in Hierarchy.NodeRoots())
        {
            Directory.CreateDirectory(root);
        }

        if (Hierarchy.IsV2)
        {
            var root = Hierarchy.NodeRoot("memory")!;
            var wanted = Hierarchy.Parents.Keys.Where(c => c != "cpuacct").ToList();
            EnableControllers(Path.GetDirectoryName(root)!, wanted);
            EnableControllers(root, wanted);
        }
        else if (Hierarchy.NodeRoot("cpuset") is { } cpuset)
        {
            // A v1 cpuset starts empty and takes no process until it has cpus and mems.
            CopyIfEmpty(Path.GetDirectoryName(cpuset)!, cpuset, "cpuset.mems");
            CopyIfEmpty(Path.GetDirectoryName(cpuset)!, cpuset, "cpuset.cpus");
        }
    }

    private void EnsurePartition(string reference)
    {
        EnsureNodeRoot();
        foreach (var directory in Hierarchy.PartitionDirectories(reference))
        {
            Directory.CreateDirectory(directory);
        }

        var limits = Limits(reference);
        var memory = Hierarchy.Partition("memory", reference)!;
        if (Hierarchy.IsV2)
        {
            Write(memory, "memory.max", limits.MemoryLimitBytes is { } bytes ? bytes.ToString(CultureInfo.InvariantCulture) : "max");
            if (limits.MemoryLimitBytes is not null)
            {
                // Swap would let the partition go over its limit instead of being stopped.
                WriteIfExists(memory, "memory.swap.max", "0");
            }
        }
        else
        {
            // Raising: memsw first (it must stay ≥ the limit); lowering: the limit first.
            var value = limits.MemoryLimitBytes?.ToString(CultureInfo.InvariantCulture) ?? "-1";
            WriteIfExists(memory, "memory.memsw.limit_in_bytes", "-1");
            Write(memory, "memory.limit_in_bytes", value);
            WriteIfExists(memory, "memory.memsw.limit_in_bytes", value);
            try
            {
                // Processes are placed after they started: their pages move with them, so the limit and usage count them.
                WriteIfExists(memory, "memory.move_charge_at_immigrate", "3");
            }
            catch (IOException)
            {
                // Kernels that dropped charge moving: only what the process takes from now on counts.
            }
        }

        if (Hierarchy.Partition("pids", reference) is { } pids)
        {
            Write(pids, "pids.max", limits.PidsLimit?.ToString(CultureInfo.InvariantCulture) ?? "max");
        }

        if (Hierarchy.Partition("cpu", reference) is { } cpu)
        {
            var weight = limits.CpuWeight ?? 100;
            if (Hierarchy.IsV2)
            {
                Write(cpu, "cpu.weight", weight.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                Write(cpu, "cpu.shares", Math.Max(2, weight * 1024 / 100).ToString(CultureInfo.InvariantCulture));
            }
        }

        if (Hierarchy.Partition("cpuset", reference) is { } cpuset)
        {
            lock (_cpusetLock)
            {
                if (!Hierarchy.IsV2 || File.Exists(Path.Combine(cpuset, "cpuset.mems")))
                {
                    CopyIfEmpty(Hierarchy.NodeRoot("cpuset")!, cpuset, "cpuset.mems");
                }

                if (Read(cpuset, "cpuset.cpus").Length == 0)
                {
                    Write(cpuset, "cpuset.cpus", CpuList.Format(SharedCpus()));
                }
            }
        }
    }

    private CgroupLimits Limits(string reference)
    {
        var defaults = _options.Defaults;
        if (!_options.Partitions.TryGetValue(reference, out var own))
        {
            return defaults;
        }

        return new CgroupLimits
        {
            MemoryLimitBytes = own.MemoryLimitBytes ?? defaults.MemoryLimitBytes,
            PidsLimit = own.PidsLimit ?? defaults.PidsLimit,
            CpuWeight = own.CpuWeight ?? defaults.CpuWeight,
        };
    }

    /// <summary>Moves processes into every hierarchy of the partition; one that exited meanwhile is skipped.</summary>
    private void Place(string reference, IEnumerable<int> processIds)
    {
        foreach (var pid in processIds)
        {
            foreach (var directory in Hierarchy.PartitionDirectories(reference))
            {
                try
                {
                    Write(directory, "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));
                }
                catch (IOException) when (!Directory.Exists(Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture))))
                {
                    // It exited between the scan and the move.
                }
            }
        }
    }

    private void ApplyExclusiveRequest(NodeManagerPartition partition)
    {
        if (Hierarchy.Partition("cpuset", partition.PartitionReference) is not { } cpuset)
        {
            return;
        }

        var requestFile = Path.Combine(partition.PartitionPath, CpuExclusiveFile);
        var asks = File.Exists(requestFile) && File.ReadAllText(requestFile).Trim().Length > 0;
        lock (_cpusetLock)
        {
            var held = Reservations();
            if (!asks)
            {
                if (held.Remove(partition.PartitionReference))
                {
                    Rebalance(held);
                }

                return;
            }

            if (!IsPowerUser(partition))
            {
                CgroupManagerLog.NotPowerUser(_logger, partition.PartitionReference, partition.User ?? partition.PartitionReference);
                return;
            }

            if (!held.ContainsKey(partition.PartitionReference))
            {
                var free = ExclusivePool().Where(c => !held.ContainsValue(c)).Cast<int?>().FirstOrDefault();
                if (free is null)
                {
                    CgroupManagerLog.NoFreeCore(_logger, partition.PartitionReference);
                    return;
                }

                held[partition.PartitionReference] = free.Value;
                Write(cpuset, "cpuset.cpus", free.Value.ToString(CultureInfo.InvariantCulture));
                CgroupManagerLog.CoreGiven(_logger, partition.PartitionReference, free.Value);
                Rebalance(held);
            }
        }

        // The ids the file lists (slapgrid's format) go to the partition, hence to its core, if not there yet.
        var listed = File.ReadAllText(requestFile)
            .Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Directory.Exists(Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture))));
        Place(partition.PartitionReference, listed);
    }

    private bool IsPowerUser(NodeManagerPartition partition) =>
        _options.PowerUsers.Any(u => u == "*" || u == partition.PartitionReference || (partition.User is not null && u == partition.User));

    private SortedSet<int> NodeCpus() => CpuList.Parse(Read(Hierarchy.NodeRoot("cpuset")!, "cpuset.cpus.effective", "cpuset.cpus"));

    private SortedSet<int> ExclusivePool()
    {
        var all = NodeCpus();
        if (_options.ExclusiveCpus is { } configured)
        {
            var pool = CpuList.Parse(configured);
            pool.IntersectWith(all);
            return pool;
        }

        // slapgrid: the lower half (rounded up) stays shared, the upper half may be given.
        return new SortedSet<int>(all.Skip((all.Count + 1) / 2));
    }

    /// <summary>Partitions holding an exclusive core: their cpuset is one core of the pool (a shared cpuset always holds the lower half).</summary>
    private Dictionary<string, int> Reservations()
    {
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        var pool = ExclusivePool();
        foreach (var directory in Directory.EnumerateDirectories(Hierarchy.NodeRoot("cpuset")!))
        {
            var cpus = CpuList.TryParse(Read(directory, "cpuset.cpus"), out var set) ? set : [];
            if (cpus.Count == 1 && pool.Contains(cpus.Min))
            {
                held[Path.GetFileName(directory)] = cpus.Min;
            }
        }

        return held;
    }

    private SortedSet<int> SharedCpus()
    {
        var shared = NodeCpus();
        shared.ExceptWith(Reservations().Values);
        return shared;
    }

    /// <summary>Every partition without a core of its own gets the node's cores minus the given ones.</summary>
    private void Rebalance(Dictionary<string, int> held)
    {
        var shared = NodeCpus();
        shared.ExceptWith(held.Values);
        var text = CpuList.Format(shared);
        foreach (var directory in Directory.EnumerateDirectories(Hierarchy.NodeRoot("cpuset")!))
        {
            if (!held.ContainsKey(Path.GetFileName(directory)))
            {
                Write(directory, "cpuset.cpus", text);
            }
        }
    }

    private NodeManagerUsage Measure(string reference)
    {
        var memory = Hierarchy.Partition("memory", reference)!;
        var processes = Read(memory, "cgroup.procs").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        double cpuSeconds;
        long memoryBytes;
        if (Hierarchy.IsV2)
        {
            cpuSeconds = ReadKeyed(Path.Combine(memory, "cpu.stat"), "usage_usec") / 1e6;
            memoryBytes = long.Parse(Read(memory, "memory.current"), CultureInfo.InvariantCulture) - ReadKeyed(Path.Combine(memory, "memory.stat"), "inactive_file");
        }
        else
        {
            cpuSeconds = Hierarchy.Partition("cpuacct", reference) is { } cpuacct
                ? long.Parse(Read(cpuacct, "cpuacct.usage"), CultureInfo.InvariantCulture) / 1e9
                : 0;
            memoryBytes = long.Parse(Read(memory, "memory.usage_in_bytes"), CultureInfo.InvariantCulture) - ReadKeyed(Path.Combine(memory, "memory.stat"), "total_inactive_file");
        }

        return new NodeManagerUsage(cpuSeconds, Math.Max(0, memoryBytes), processes);
    }

    /// <summary>Moves what is left in the partition's cgroups to the node's parent cgroup, removes them and gives back its core.</summary>
    private void Remove(string reference)
    {
        foreach (var directory in Hierarchy.PartitionDirectories(reference).Where(Directory.Exists))
        {
            var parent = Path.GetDirectoryName(Path.GetDirectoryName(directory)!)!;
            foreach (var pid in Read(directory, "cgroup.procs").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    Write(parent, "cgroup.procs", pid);
                }
                catch (IOException)
                {
                    // It exited meanwhile.
                }
            }

            Directory.Delete(directory);
        }

        _oomKillsSeen.TryRemove(reference, out _);
        if (Hierarchy.NodeRoot("cpuset") is { } root && Directory.Exists(root))
        {
            lock (_cpusetLock)
            {
                Rebalance(Reservations());
            }
        }
    }

    private static void EnableControllers(string directory, IEnumerable<string> controllers)
    {
        var enabled = File.ReadAllText(Path.Combine(directory, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = controllers.Except(enabled, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            Write(directory, "cgroup.subtree_control", string.Join(' ', missing.Select(c => "+" + c)));
        }
    }

    private static void CopyIfEmpty(string from, string to, string file)
    {
        if (Read(to, file).Length == 0)
        {
            Write(to, file, Read(from, file));
        }
    }

    private static long ReadKeyed(string file, string key)
    {
        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[0] == key)
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string Read(string directory, string file, string? fallback = null)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path) && fallback is not null)
        {
            path = Path.Combine(directory, fallback);
        }

        return File.ReadAllText(path).Trim();
    }

    private static void Write(string directory, string file, string value) => File.WriteAllText(Path.Combine(directory, file), value);

    private static void WriteIfExists(string directory, string file, string value)
    {
        if (File.Exists(Path.Combine(directory, file)))
        {
            Write(directory, file, value);
        }
    }
}
