namespace SlapOS.Master.Federation;

/// <summary>The external masters this master may forward requests to (<c>SlapOS:Master:Federation</c>).</summary>
public sealed class FederationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Federation";

    /// <summary>The external masters by name (<c>Masters:&lt;name&gt;:Url</c>…): slapproxy's <c>[multimaster/&lt;url&gt;]</c> sections.</summary>
    public Dictionary<string, ExternalMasterOptions> Masters { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// This master's own URLs: a request whose SLA <c>master_url</c> names one of them is allocated here (what slapproxy
    /// checks by calling itself), e.g. a request another master forwarded with its <c>master_url</c> unchanged.
    /// </summary>
    public List<string> LocalUrls { get; } = [];

    /// <summary>What <c>Retry-After</c> says when an external master cannot be reached (default 10 s).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often forwarded instances are asked again from their external master, to bring back connection
    /// parameters published there without waiting for a re-request (default 1 minute; zero turns it off).
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
