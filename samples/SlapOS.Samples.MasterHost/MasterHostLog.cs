using Microsoft.Extensions.Logging;

namespace SlapOS.Samples.MasterHost;

/// <summary>What the sample host says at start: which address serves what.</summary>
internal static partial class MasterHostLog
{
    [LoggerMessage(1, LogLevel.Information, "SlapOS master API (mutual TLS: a client certificate from this master's CA is required): {Url}")]
    public static partial void Api(ILogger logger, string url);

    [LoggerMessage(2, LogLevel.Information, "Onboarding (no client certificate: token exchange and CA certificate only, for 'slapos node register' and 'slapos configure client --token'): {Url}")]
    public static partial void Onboarding(ILogger logger, string url);

    [LoggerMessage(3, LogLevel.Information, "CA certificate SHA-256 {Sha256} (pin it with --ca-sha256)")]
    public static partial void Ca(ILogger logger, string sha256);

    [LoggerMessage(4, LogLevel.Information, "SlapOS master (InsecureLoopback: no authentication, every caller is an administrator): {Url}")]
    public static partial void Insecure(ILogger logger, string url);
}
