namespace SlapOS;

/// <summary>How this master reaches an external master: its URL and this master's identity there.</summary>
/// <param name="Url">The external master's URL (its JSON API).</param>
/// <param name="CertificateFile">The PEM client certificate presented there (required for https).</param>
/// <param name="KeyFile">The PEM private key of <paramref name="CertificateFile"/>.</param>
/// <param name="CaCertificateFile">The PEM CA bundle its TLS certificate must chain to; the system's trust store when null.</param>
/// <param name="AttemptTimeout">Timeout of one attempt.</param>
/// <param name="MaxRetries">How many times a transient failure is retried (with back-off).</param>
/// <param name="Api"><c>json</c> (our JSON API, the default) or <c>xml</c> (the legacy slap API: slapproxy, a SlapOS master).</param>
public sealed record ExternalMasterConnection(
    Uri Url,
    string? CertificateFile,
    string? KeyFile,
    string? CaCertificateFile,
    TimeSpan AttemptTimeout,
    int MaxRetries,
    string Api = ExternalMasterConnection.JsonApi)
{
    /// <summary>
    /// Where the CRL its TLS certificate is checked against comes from, as for a node and its master (default
    /// <see cref="MasterRevocationCheck.Auto"/>: the CRL it publishes at <c>/ca/crl</c> over the JSON API with a
    /// <see cref="CaCertificateFile"/>, none otherwise).
    /// </summary>
    public MasterRevocationCheck RevocationCheck { get; init; } = MasterRevocationCheck.Auto;

    /// <summary>The CRL file (DER or PEM) for <see cref="MasterRevocationCheck.File"/>.</summary>
    public string? RevocationListFile { get; init; }

    /// <summary>How often the CRL is read again (it is also read again once past its nextUpdate).</summary>
    public TimeSpan RevocationRefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Our JSON API v0.</summary>
    public const string JsonApi = "json";

    /// <summary>The legacy XML slap API (<c>requestComputerPartition</c>), what slapproxy forwards with.</summary>
    public const string XmlApi = "xml";
}
