using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Managers;

/// <summary>Log messages of the device permission manager.</summary>
internal static partial class DevpermManagerLog
{
    [LoggerMessage(45, LogLevel.Warning, "Partition {Partition} asks for {Device}, which is not an allowed device")]
    public static partial void Refused(ILogger logger, string partition, string device);

    [LoggerMessage(46, LogLevel.Information, "Partition {Partition} gets {Device} (owner uid {Uid})")]
    public static partial void Given(ILogger logger, string partition, string device, string uid);

    [LoggerMessage(47, LogLevel.Information, "Partition {Partition}: {Device} taken back")]
    public static partial void TakenBack(ILogger logger, string partition, string device);
}
