using Microsoft.Extensions.Logging;

namespace SlapOS.Master.BinaryCache;

internal static partial class BinaryCacheLog
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Binary cache stored {Sha512} ({Bytes} bytes)")]
    public static partial void ContentStored(ILogger logger, string sha512, long bytes);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Binary cache directory entry added under {Key} for {Sha512}")]
    public static partial void EntryStored(ILogger logger, string key, string sha512);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Warning, Message = "Binary cache refused an upload: {Reason}")]
    public static partial void UploadRefused(ILogger logger, string reason);
}
