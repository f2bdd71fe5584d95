namespace SlapOS;

/// <summary>
/// The binary cache service (shacache + shadir, as slapgrid's networkcache expects), configured under
/// <c>SlapOS:BinaryCache</c>. Downloads are anonymous, as on the public SlapOS caches; uploads need one of
/// the configured credentials unless <see cref="AllowAnonymousUpload"/> is set.
/// </summary>
public sealed class BinaryCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:BinaryCache";

    /// <summary>Where content (<c>shacache/</c>) and directory entries (<c>shadir/</c>) are stored. Required, absolute.</summary>
    public string StorageDirectory { get; set; } = string.Empty;

    /// <summary>The largest content upload accepted, in bytes (default 4 GiB: big releases are a few hundred MiB).</summary>
    public long MaxUploadBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>The largest shadir PUT body accepted, in bytes (an entry is a few hundred bytes).</summary>
    public int MaxDirectoryEntryBytes { get; set; } = 64 * 1024;

    /// <summary>How many entries a key keeps; the oldest are dropped beyond (one per platform and rebuild is typical).</summary>
    public int MaxEntriesPerKey { get; set; } = 64;

    /// <summary>
    /// HTTP basic credentials allowed to upload (user → password), what libnetworkcache sends when the upload URL
    /// carries <c>user:password@</c>. Use it over HTTPS only.
    /// </summary>
    public Dictionary<string, string> UploadUsers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Client certificates allowed to upload, by SHA-256 thumbprint (hex), what libnetworkcache presents with
    /// <c>shacache-cert-file</c>/<c>shadir-cert-file</c>. The host must ask for client certificates (Kestrel HTTPS).
    /// </summary>
    public List<string> UploadCertificateThumbprints { get; set; } = [];

    /// <summary>Lets anyone upload. Only for a cache on a trusted network: entries are still only used when signed.</summary>
    public bool AllowAnonymousUpload { get; set; }
}
