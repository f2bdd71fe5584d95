namespace SlapOS.Master;

/// <summary>Security options of the master (<c>SlapOS:Master:Security</c>).</summary>
public sealed class SlapOSMasterSecurityOptions
{
    /// <summary>Mutual TLS (the default) or the loopback-only development mode.</summary>
    public SlapOSSecurityMode Mode { get; set; } = SlapOSSecurityMode.MutualTls;

    /// <summary>The host name in the master's TLS server certificate (loopback addresses are always included).</summary>
    public string ServerName { get; set; } = "localhost";

    /// <summary>
    /// How long a computer's or partition's previous certificate stays valid after it obtained a new one (renewal):
    /// time for the node to switch to the new pair. Then it is revoked (reason <c>superseded</c>).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RenewalGrace { get; set; } = TimeSpan.FromMinutes(10);
}
