namespace SlapOS.Master.Federation;

/// <summary>One external master: where it is, this master's identity there, and the releases always sent to it.</summary>
public sealed class ExternalMasterOptions
{
    /// <summary>Its URL (http, or https with <see cref="CertificateFile"/> and <see cref="KeyFile"/>); what the SLA's <c>master_url</c> names.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The PEM client certificate this master presents there; required for https, as in slapproxy.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The PEM CA bundle its TLS certificate must chain to; without it the system's trust store decides.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Software releases whose new requests always go there (slapproxy's <c>software_release_list</c>).</summary>
    public List<string> SoftwareReleases { get; } = [];

    /// <summary>
    /// How to talk to it: <c>json</c> (our JSON API v0, the default) or <c>xml</c> (the legacy slap API's
    /// <c>requestComputerPartition</c>, the form slapproxy forwards: for slapproxy or a SlapOS master).
    /// </summary>
    public string Api { get; set; } = ExternalMasterConnection.JsonApi;

    /// <summary>Timeout of one attempt (default 30 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a transient failure is retried, with exponential back-off (default 2).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Where the CRL its TLS certificate is checked against comes from, as <c>SlapOS:Slave:MasterClient:RevocationCheck</c>
    /// for a node (default <see cref="MasterRevocationCheck.Auto"/>: the CRL it publishes at <c>/ca/crl</c> when reached
    /// over the JSON API with a <see cref="CaCertificateFile"/>; no check over the XML API or without a CA file).
    /// </summary>
    public MasterRevocationCheck RevocationCheck { get; set; } = MasterRevocationCheck.Auto;

    /// <summary>The CRL file (DER or PEM) for <see cref="MasterRevocationCheck.File"/>.</summary>
    public string? RevocationListFile { get; set; }

    /// <summary>How often the CRL is read again (default 1 minute, 1 s – 1 day; also once past its nextUpdate).</summary>
    public TimeSpan RevocationRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
