namespace SlapOS.Master;

/// <summary>Security options of the master (<c>SlapOS:Master:Security</c>).</summary>
public sealed class SlapOSMasterSecurityOptions
{
    /// <summary>Mutual TLS (the default) or the loopback-only development mode.</summary>
    public SlapOSSecurityMode Mode { get; set; } = SlapOSSecurityMode.MutualTls;

    /// <summary>The host name in the master's TLS server certificate (loopback addresses are always included).</summary>
    public string ServerName { get; set; } = "localhost";
}
