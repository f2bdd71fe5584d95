using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Buildout;

internal static partial class BuildoutLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Installing part {Part} ({Recipe}) in {Directory}")]
    public static partial void InstallingPart(ILogger logger, string part, string recipe, string directory);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Updating part {Part} in {Directory}")]
    public static partial void UpdatingPart(ILogger logger, string part, string directory);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Uninstalling part {Part} in {Directory}")]
    public static partial void UninstallingPart(ILogger logger, string part, string directory);

    // The install steps of both installers (BuildoutRun); Engine names which one ran.
    [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Installing software release {Url} into {Directory} with {Engine}")]
    public static partial void InstallingSoftware(ILogger logger, string engine, string url, string directory);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Debug, Message = "Software release {Url} is already installed in {Directory} ({Engine})")]
    public static partial void SoftwareAlreadyInstalled(ILogger logger, string engine, string url, string directory);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Information, Message = "Software release {Url} installed in {Directory} with {Engine} in {ElapsedMilliseconds} ms")]
    public static partial void SoftwareInstalled(ILogger logger, string engine, string url, string directory, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Error, Message = "Installing software release {Url} with {Engine} failed")]
    public static partial void SoftwareFailed(ILogger logger, string engine, string url, Exception exception);

    [LoggerMessage(EventId = 5114, Level = LogLevel.Information, Message = "Removing software release {Url} from {Directory} ({Engine})")]
    public static partial void RemovingSoftware(ILogger logger, string engine, string url, string directory);

    [LoggerMessage(EventId = 5120, Level = LogLevel.Debug, Message = "Deploying partition {Partition} from {SoftwarePath} with {Engine}")]
    public static partial void DeployingInstance(ILogger logger, string engine, string partition, string softwarePath);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Debug, Message = "Partition {Partition} deployed with {Engine} in {ElapsedMilliseconds} ms")]
    public static partial void InstanceDeployed(ILogger logger, string engine, string partition, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Error, Message = "Deploying partition {Partition} with {Engine} failed")]
    public static partial void InstanceFailed(ILogger logger, string engine, string partition, Exception exception);
}
