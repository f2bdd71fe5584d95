using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.BinaryCache;

internal static partial class BinaryCacheLog
{
    [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Looking up {SoftwareReleaseUrl} in the binary cache (key {Key})")]
    public static partial void LookingUp(ILogger logger, string softwareReleaseUrl, string key);

    [LoggerMessage(EventId = 9202, Level = LogLevel.Information, Message = "Installed {SoftwareReleaseUrl} from the binary cache ({Sha512}) in {ElapsedMs} ms")]
    public static partial void InstalledFromCache(ILogger logger, string softwareReleaseUrl, string sha512, long elapsedMs);

    [LoggerMessage(EventId = 9203, Level = LogLevel.Warning, Message = "Refused a binary cache entry for {SoftwareReleaseUrl}: its signature matches no trusted certificate")]
    public static partial void UntrustedEntry(ILogger logger, string softwareReleaseUrl);

    [LoggerMessage(EventId = 9204, Level = LogLevel.Warning, Message = "Refused the binary cache archive {Sha512} for {SoftwareReleaseUrl}: {Reason}")]
    public static partial void ArchiveRefused(ILogger logger, string softwareReleaseUrl, string sha512, string reason);

    [LoggerMessage(EventId = 9205, Level = LogLevel.Information, Message = "No usable binary cache entry for {SoftwareReleaseUrl} ({Entries} entries, {Compatible} for this platform); building it")]
    public static partial void NotInCache(ILogger logger, string softwareReleaseUrl, int entries, int compatible);

    [LoggerMessage(EventId = 9206, Level = LogLevel.Warning, Message = "The binary cache lookup failed for {SoftwareReleaseUrl}; building it")]
    public static partial void LookupFailed(ILogger logger, string softwareReleaseUrl, Exception exception);

    [LoggerMessage(EventId = 9207, Level = LogLevel.Information, Message = "Uploaded {SoftwareReleaseUrl} to the binary cache ({Sha512}, {Bytes} bytes)")]
    public static partial void Uploaded(ILogger logger, string softwareReleaseUrl, string sha512, long bytes);

    [LoggerMessage(EventId = 9208, Level = LogLevel.Warning, Message = "Could not upload {SoftwareReleaseUrl} to the binary cache")]
    public static partial void UploadFailed(ILogger logger, string softwareReleaseUrl, Exception exception);

    [LoggerMessage(EventId = 9209, Level = LogLevel.Information, Message = "{SoftwareReleaseUrl} matches a binary cache blacklist prefix; not {Action}")]
    public static partial void Blacklisted(ILogger logger, string softwareReleaseUrl, string action);

    [LoggerMessage(EventId = 9210, Level = LogLevel.Warning, Message = "Ignored a binary cache entry for {SoftwareReleaseUrl} that is not a software entry: {Reason}")]
    public static partial void MalformedEntry(ILogger logger, string softwareReleaseUrl, string reason);

    [LoggerMessage(EventId = 9211, Level = LogLevel.Warning, Message = "The binary cache failed {Method} {Url} ({Reason}); retry {Retry}")]
    public static partial void Retrying(ILogger logger, string method, string url, int retry, string reason);
}
