namespace SlapOS.Slave.Usage;

/// <summary>What a set of process trees uses now.</summary>
/// <param name="CpuSeconds">CPU time (user + system, including reaped children) of the live processes.</param>
/// <param name="MemoryBytes">Their resident memory.</param>
/// <param name="ProcessCount">How many processes.</param>
internal sealed record ProcessUsage(double CpuSeconds, long MemoryBytes, int ProcessCount)
{
    public static ProcessUsage None { get; } = new(0, 0, 0);
}
