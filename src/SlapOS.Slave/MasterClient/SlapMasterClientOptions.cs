using System.ComponentModel.DataAnnotations;

namespace SlapOS.Slave;

/// <summary>How the node reaches its master, bound from <c>SlapOS:Slave:MasterClient</c>; the URL is <see cref="SlapOSSlaveOptions.MasterUrl"/>.</summary>
public sealed class SlapMasterClientOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:MasterClient";

    /// <summary>The PEM certificate the node presents to the master (mTLS), with <see cref="KeyFile"/>.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Timeout of one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of a call, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times a transient failure (connection error, 5xx, 429) is retried.</summary>
    [Range(1, 20)]
    public int MaxRetries { get; set; } = 3;
}
