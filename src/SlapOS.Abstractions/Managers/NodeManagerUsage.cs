namespace SlapOS;

/// <summary>A partition's usage as a manager measured it (for example from the partition's cgroup).</summary>
/// <param name="CpuSeconds">CPU time used by the partition's processes, dead ones included where the source counts them.</param>
/// <param name="MemoryBytes">Memory in use now.</param>
/// <param name="ProcessCount">Processes now.</param>
public sealed record NodeManagerUsage(double CpuSeconds, long MemoryBytes, int ProcessCount);
