namespace SlapOS;

/// <summary>
/// The node's binary cache, configured under <c>SlapOS:Slave:BinaryCache</c>. Each option is named after its
/// slapos.cfg <c>[networkcache]</c>/<c>[slapos]</c> counterpart so one cache serves real slapgrid and our node alike.
/// Downloading needs both download URLs and at least one trusted certificate; uploading needs both upload URLs and
/// a signature key whose certificate is trusted.
/// </summary>
public sealed class BinaryCacheClientOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:BinaryCache";

    /// <summary><c>download-binary-cache-url</c>: the shacache releases are downloaded from.</summary>
    public string? DownloadBinaryCacheUrl { get; set; }

    /// <summary><c>download-binary-dir-url</c>: the shadir releases are looked up in.</summary>
    public string? DownloadBinaryDirUrl { get; set; }

    /// <summary><c>upload-binary-cache-url</c>: the shacache built releases are uploaded to (may carry <c>user:password@</c>).</summary>
    public string? UploadBinaryCacheUrl { get; set; }

    /// <summary><c>upload-binary-dir-url</c>: the shadir signed entries are put in (may carry <c>user:password@</c>).</summary>
    public string? UploadBinaryDirUrl { get; set; }

    /// <summary><c>signature-certificate-list</c>: PEM certificates, one after the other; an entry is used only when one of them verifies it.</summary>
    public string? SignatureCertificateList { get; set; }

    /// <summary>Files holding more trusted PEM certificates (added to <see cref="SignatureCertificateList"/>).</summary>
    public List<string> SignatureCertificateFiles { get; set; } = [];

    /// <summary><c>signature-private-key-file</c>: the PEM RSA key uploads are signed with. Its certificate must be trusted too.</summary>
    public string? SignaturePrivateKeyFile { get; set; }

    /// <summary><c>download-from-binary-cache-url-blacklist</c>: releases whose URL starts with one of these are always built.</summary>
    public List<string> DownloadFromBinaryCacheUrlBlacklist { get; set; } = [];

    /// <summary><c>upload-to-binary-cache-url-blacklist</c>: releases whose URL starts with one of these are never uploaded.</summary>
    public List<string> UploadToBinaryCacheUrlBlacklist { get; set; } = [];

    /// <summary><c>download-from-binary-cache-force-url-list</c>: releases whose URL starts with one of these come from the cache or fail, never built.</summary>
    public List<string> DownloadFromBinaryCacheForceUrlList { get; set; } = [];

    /// <summary><c>shacache-cert-file</c>/<c>shacache-key-file</c>: a client certificate presented to the shacache over HTTPS.</summary>
    public string? ShacacheCertFile { get; set; }

    /// <summary>The key of <see cref="ShacacheCertFile"/>.</summary>
    public string? ShacacheKeyFile { get; set; }

    /// <summary><c>shacache-ca-file</c>: the CA the shacache's HTTPS certificate must chain to (the system store when unset).</summary>
    public string? ShacacheCaFile { get; set; }

    /// <summary><c>shadir-cert-file</c>/<c>shadir-key-file</c>: a client certificate presented to the shadir over HTTPS.</summary>
    public string? ShadirCertFile { get; set; }

    /// <summary>The key of <see cref="ShadirCertFile"/>.</summary>
    public string? ShadirKeyFile { get; set; }

    /// <summary><c>shadir-ca-file</c>: the CA the shadir's HTTPS certificate must chain to (the system store when unset).</summary>
    public string? ShadirCaFile { get; set; }

    /// <summary>The machine triplet entries are matched on (slapgrid runs <c>gcc -dumpmachine</c>); detected when unset.</summary>
    public string? Multiarch { get; set; }

    /// <summary>The distribution entries are matched on: name, version, codename (slapgrid uses <c>distro</c>); read from <c>/etc/os-release</c> when empty.</summary>
    public List<string> OperatingSystem { get; set; } = [];

    /// <summary>How long connecting to the cache may take (libnetworkcache: 60 s). Transfers themselves are not limited.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many times a request to the cache is sent again after a transient failure (no connection, HTTP 5xx, 408,
    /// 429); never after another 4xx. 0 disables retries (libnetworkcache does not retry).
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before the first retry, doubled (with jitter) for each next one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether downloading is configured.</summary>
    internal bool CanDownload => !string.IsNullOrWhiteSpace(DownloadBinaryCacheUrl) && !string.IsNullOrWhiteSpace(DownloadBinaryDirUrl);

    /// <summary>Whether uploading is configured.</summary>
    internal bool CanUpload => !string.IsNullOrWhiteSpace(UploadBinaryCacheUrl) && !string.IsNullOrWhiteSpace(UploadBinaryDirUrl);
}
