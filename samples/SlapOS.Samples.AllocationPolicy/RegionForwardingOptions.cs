namespace SlapOS.Samples.AllocationPolicy;

/// <summary>Which external master takes each region (federation: masters in different regions cooperate).</summary>
public sealed class RegionForwardingOptions
{
    /// <summary>The SLA key that names the region.</summary>
    public string SlaKey { get; set; } = "region";

    /// <summary>
    /// Region → URL of the external master that serves it. Each URL must also be configured under
    /// <c>SlapOS:Master:Federation:Masters</c> (with this master's identity there); other regions stay here.
    /// </summary>
    public Dictionary<string, string> Masters { get; } = new(StringComparer.Ordinal);
}
