namespace SlapOS.Providers.Managers;

/// <summary>
/// Where the node's cgroup lives, per controller: one directory for all of them on cgroup v2, one per
/// mounted hierarchy on cgroup v1. Read from <c>/proc/mounts</c> and <c>/proc/self/cgroup</c>.
/// </summary>
internal sealed class CgroupHierarchy
{
    public static readonly string[] Controllers = ["memory", "pids", "cpu", "cpuset", "cpuacct"];

    private CgroupHierarchy(bool v2, IReadOnlyDictionary<string, string> parents, string name)
    {
        IsV2 = v2;
        Parents = parents;
        Name = name;
    }

    public bool IsV2 { get; }

    /// <summary>The parent of the node's cgroup, per controller (a missing controller is not managed).</summary>
    public IReadOnlyDictionary<string, string> Parents { get; }

    public string Name { get; }

    /// <summary>The node's cgroup in the hierarchy of <paramref name="controller"/>, or null when that controller is not mounted.</summary>
    public string? NodeRoot(string controller) => Parents.TryGetValue(controller, out var parent) ? Path.Combine(parent, Name) : null;

    /// <summary>The partition's cgroup in the hierarchy of <paramref name="controller"/>, or null.</summary>
    public string? Partition(string controller, string partitionReference) =>
        NodeRoot(controller) is { } root ? Path.Combine(root, SlapReference.Validate(partitionReference, "partition_reference")) : null;

    /// <summary>Every distinct directory of the partition (controllers co-mounted on v1, or all of v2, share one).</summary>
    public IEnumerable<string> PartitionDirectories(string partitionReference) =>
        Controllers.Select(c => Partition(c, partitionReference)).OfType<string>().Distinct(StringComparer.Ordinal);

    public IEnumerable<string> NodeRoots() => Controllers.Select(NodeRoot).OfType<string>().Distinct(StringComparer.Ordinal);

    public static CgroupHierarchy Detect(CgroupManagerOptions options, string procMounts = "/proc/mounts", string selfCgroup = "/proc/self/cgroup")
    {
        var mounts = File.ReadAllLines(procMounts).Select(l => l.Split(' ')).Where(f => f.Length >= 4).ToList();
        var own = File.Exists(selfCgroup) ? File.ReadAllLines(selfCgroup) : [];
        var v2Mount = mounts.FirstOrDefault(f => f[2] == "cgroup2")?[1];
        if (v2Mount is not null && !options.PreferV1)
        {
            var parent = Path.Combine(v2Mount, (options.Parent ?? "/").TrimStart('/'));
            var available = ReadControllers(Path.Combine(parent, "cgroup.controllers"));
            if (available.Contains("memory") && available.Contains("pids") && available.Contains("cpu"))
            {
                // cpu.stat gives CPU usage on v2: cpuacct has no file of its own there.
                var parents = Controllers.Where(c => c == "cpuacct" || available.Contains(c)).ToDictionary(c => c, _ => parent, StringComparer.Ordinal);
                return new CgroupHierarchy(true, parents, options.Name);
            }
        }

        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fields in mounts.Where(f => f[2] == "cgroup"))
        {
            var mountOptions = fields[3].Split(',');
            foreach (var controller in Controllers.Where(c => mountOptions.Contains(c, StringComparer.Ordinal)))
            {
                var inside = options.Parent ?? OwnPath(own, controller);
                v1.TryAdd(controller, Path.Combine(fields[1], inside.TrimStart('/')));
            }
        }

        if (!v1.ContainsKey("memory"))
        {
            throw new NodeManagerException("cgroup: neither a cgroup v2 tree with the memory, pids and cpu controllers nor a cgroup v1 memory hierarchy is mounted.");
        }

        return new CgroupHierarchy(false, v1, options.Name);
    }

    private static HashSet<string> ReadControllers(string file) =>
        File.Exists(file) ? File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : [];

    /// <summary>The node process's own cgroup in a v1 hierarchy (<c>id:controllers:path</c> lines).</summary>
    private static string OwnPath(IEnumerable<string> lines, string controller)
    {
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller, StringComparer.Ordinal))
            {
                return parts[2];
            }
        }

        return "/";
    }
}
