using Microsoft.Extensions.Logging;

namespace SlapOS.Master.Administration;

/// <summary>The log messages of the master's administration commands and start-up hints.</summary>
internal static partial class AdministrationLog
{
    [LoggerMessage(2401, LogLevel.Information, "Issued administrator certificate {Serial} for person '{Person}' into {Directory}")]
    public static partial void Issued(ILogger logger, string serial, string person, string directory);

    [LoggerMessage(2402, LogLevel.Information, "Kept the valid administrator certificate {Serial} of person '{Person}' in {Directory}")]
    public static partial void Reused(ILogger logger, string serial, string person, string directory);

    [LoggerMessage(2403, LogLevel.Warning, "No administrator certificate was ever issued by this master, or every one is revoked or expired (the certificate registry in the store has no valid one): make the first one by running this host with the arguments 'admin issue --person <you> --out <directory>', with the same configuration, as a user who can read the CA key")]
    public static partial void NoAdministrator(ILogger logger);

    [LoggerMessage(2404, LogLevel.Warning, "Refused to issue an administrator certificate for '{Person}': {Reason}")]
    public static partial void Refused(ILogger logger, string person, string reason);

    [LoggerMessage(2405, LogLevel.Warning, "Could not read the certificate registry to tell whether an administrator exists: {Reason}")]
    public static partial void RegistryUnreadable(ILogger logger, string reason);
}
