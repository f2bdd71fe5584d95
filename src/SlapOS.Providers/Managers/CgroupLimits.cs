namespace SlapOS.Providers.Managers;

/// <summary>The limits of one partition's cgroup; a null limit is not set (the kernel's default, unlimited).</summary>
public sealed class CgroupLimits
{
    /// <summary>Most memory the partition's processes may use, in bytes; over it the kernel reclaims, then kills (OOM).</summary>
    public long? MemoryLimitBytes { get; set; }

    /// <summary>Most processes and threads the partition may have at once.</summary>
    public int? PidsLimit { get; set; }

    /// <summary>CPU weight against the other partitions, 1 to 10000 (100 is the default share; cgroup v1 gets <c>cpu.shares</c> = weight × 1024 / 100).</summary>
    public int? CpuWeight { get; set; }
}
