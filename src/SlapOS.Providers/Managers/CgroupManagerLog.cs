using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Managers;

/// <summary>Log messages of the node managers.</summary>
internal static partial class CgroupManagerLog
{
    [LoggerMessage(40, LogLevel.Warning, "Partition {Partition}: the kernel killed {Count} process(es) over the memory limit of {Limit} bytes")]
    public static partial void OomKilled(ILogger logger, string partition, long count, long? limit);

    [LoggerMessage(41, LogLevel.Warning, "Partition {Partition} asks for an exclusive core, but {User} is not in SlapOS:Slave:Managers:Cgroup:PowerUsers")]
    public static partial void NotPowerUser(ILogger logger, string partition, string user);

    [LoggerMessage(42, LogLevel.Warning, "Partition {Partition} asks for an exclusive core, but none is free; it stays on the shared cores and asks again at the next run")]
    public static partial void NoFreeCore(ILogger logger, string partition);

    [LoggerMessage(43, LogLevel.Information, "Partition {Partition} has core {Cpu} alone")]
    public static partial void CoreGiven(ILogger logger, string partition, int cpu);
}
