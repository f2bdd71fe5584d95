using System.ComponentModel.DataAnnotations;

namespace SlapOS.Master;

/// <summary>
/// How large a request body each kind of endpoint accepts (<c>SlapOS:Master:Limits</c>), validated at start-up.
/// A larger body — declared by Content-Length or sent chunked — is refused with 413 and a message naming the limit;
/// Kestrel's own cap (<c>MaxRequestBodySize</c>) is set to the largest of them.
/// </summary>
public sealed class SlapOSMasterLimitsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Limits";

    private const long Min = 1024;
    private const long Max = 1024L * 1024 * 1024;

    /// <summary>A JSON API call (and the onboarding calls): parameters are bounded to 1 MiB of text. Default 4 MiB.</summary>
    [Range(Min, Max)]
    public long MaxJsonBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A legacy XML API form: a format upload of 1,000 partitions fits well. Default 8 MiB.</summary>
    [Range(Min, Max)]
    public long MaxXmlBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>A portal form (a request with its parameters). Default 1 MiB.</summary>
    [Range(Min, Max)]
    public long MaxPortalBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest of the limits: what Kestrel accepts at all.</summary>
    public long Largest => Math.Max(MaxJsonBodyBytes, Math.Max(MaxXmlBodyBytes, MaxPortalBodyBytes));
}
