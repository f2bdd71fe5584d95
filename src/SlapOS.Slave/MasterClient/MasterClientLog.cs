using Microsoft.Extensions.Logging;

namespace SlapOS.Slave;

internal static partial class MasterClientLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "{Api} master call {Operation} answered {Status}")]
    public static partial void Answered(ILogger logger, string api, string operation, int status);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "{Api} master call {Operation} was refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string api, string operation, int status, string reason);
}
