namespace SlapOS.Providers.Managers;

/// <summary>Options of the cgroup manager, bound from <c>SlapOS:Slave:Managers:Cgroup</c>.</summary>
public sealed class CgroupManagerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:Managers:Cgroup";

    /// <summary>The name of the node's cgroup, under which each partition gets one named after it.</summary>
    public string Name { get; set; } = "slapos";

    /// <summary>
    /// Where the node's cgroup is created, as a path inside each hierarchy (<c>/</c> is its root). Null: under the
    /// node process's own cgroup in cgroup v1 hierarchies (so the limits of the host's service still hold), and the
    /// root of cgroup v2 (which forbids controllers below a cgroup that holds processes).
    /// </summary>
    public string? Parent { get; set; }

    /// <summary>The limits of every partition.</summary>
    public CgroupLimits Defaults { get; set; } = new();

    /// <summary>Limits of given partitions, by partition reference; a limit set here replaces the default one.</summary>
    public Dictionary<string, CgroupLimits> Partitions { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Partitions (by user or reference) allowed to ask for an exclusive core with <c>.slapos-cpu-exclusive</c>,
    /// as slapgrid's <c>power_user_list</c>; <c>*</c> allows every partition. Empty (the default): none may.
    /// </summary>
    public IList<string> PowerUsers { get; } = [];

    /// <summary>
    /// The cores that may be given exclusively, as a cpu list (<c>2-3,6</c>). Null: the upper half of the node's
    /// cores, as slapgrid (the lower half always stays shared).
    /// </summary>
    public string? ExclusiveCpus { get; set; }

    /// <summary>Whether to use cgroup v1 hierarchies even where cgroup v2 offers the controllers.</summary>
    public bool PreferV1 { get; set; }
}
