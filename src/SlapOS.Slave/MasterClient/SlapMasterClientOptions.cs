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

    /// <summary>
    /// The PEM certificate of the master's CA: the master's TLS certificate must chain to it (and nothing
    /// else is trusted for it). Without it the system's trust store decides.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>
    /// Where the CRL the master's TLS certificate is checked against comes from (default <see cref="MasterRevocationCheck.Auto"/>:
    /// the master's own <c>/ca/crl</c> for the JSON API client with a <see cref="CaCertificateFile"/>). Fails closed: no
    /// current verified list, no call.
    /// </summary>
    public MasterRevocationCheck RevocationCheck { get; set; } = MasterRevocationCheck.Auto;

    /// <summary>The CRL file (DER or PEM) for <see cref="MasterRevocationCheck.File"/>, e.g. one an operator's job copies from the master.</summary>
    public string? RevocationListFile { get; set; }

    /// <summary>How often the CRL is read again (it is also read again once past its nextUpdate). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RevocationRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long before <see cref="CertificateFile"/> expires the node asks the master for a new one
    /// (<c>slapos node format</c> and <c>report</c>, so the daemon, check it); zero turns renewal off.
    /// </summary>
    public TimeSpan RenewalWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Timeout of one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of a call, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The largest answer the node reads from its master, counted after decompression whatever the framing
    /// (Content-Length, chunked, gzip); a larger one fails the call. Default 64 MiB.
    /// </summary>
    [Range(64L * 1024, 4L * 1024 * 1024 * 1024)]
    public long MaxAnswerBytes { get; set; } = MasterHttp.DefaultMaxAnswerBytes;

    /// <summary>How many times a transient failure (connection error, 5xx, 429) is retried.</summary>
    [Range(1, 20)]
    public int MaxRetries { get; set; } = 3;
}
