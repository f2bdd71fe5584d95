using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.ZcBuildout;

internal static partial class ZcBuildoutLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "zc.buildout: installing software release {Url} into {Directory}")]
    public static partial void InstallingSoftware(ILogger logger, string url, string directory);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "zc.buildout: software release {Url} is already installed in {Directory}")]
    public static partial void SoftwareAlreadyInstalled(ILogger logger, string url, string directory);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "zc.buildout: software release {Url} installed in {Directory} in {ElapsedMilliseconds} ms")]
    public static partial void SoftwareInstalled(ILogger logger, string url, string directory, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Error, Message = "zc.buildout: installing software release {Url} failed")]
    public static partial void SoftwareFailed(ILogger logger, string url, Exception exception);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "zc.buildout: removing software release {Url} from {Directory}")]
    public static partial void RemovingSoftware(ILogger logger, string url, string directory);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "zc.buildout: deploying partition {Partition} from {SoftwarePath}")]
    public static partial void DeployingInstance(ILogger logger, string partition, string softwarePath);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "zc.buildout: partition {Partition} deployed in {ElapsedMilliseconds} ms")]
    public static partial void InstanceDeployed(ILogger logger, string partition, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Error, Message = "zc.buildout: deploying partition {Partition} failed")]
    public static partial void InstanceFailed(ILogger logger, string partition, Exception exception);
}
