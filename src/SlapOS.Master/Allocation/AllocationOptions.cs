namespace SlapOS.Master.Allocation;

/// <summary>Options of the allocation marketplace (<c>SlapOS:Master:Allocation</c>).</summary>
public sealed class AllocationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Allocation";

    /// <summary>Spread instances evenly (default) or pack them on the fullest computers.</summary>
    public AllocationStrategy Strategy { get; set; } = AllocationStrategy.Spread;

    /// <summary>The weight of each scoring policy by name (<c>Weights:max_price</c>); 1 when not set, 0 disables its score.</summary>
    public Dictionary<string, double> Weights { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// SLA keys that are not computer attributes (read by a plugin policy, say): the <c>attributes</c>
    /// policy ignores them. <c>computer_guid</c>, <c>instance_guid</c> and <c>max_price</c> always are.
    /// </summary>
    public List<string> NonAttributeSlaKeys { get; } = [];

    /// <summary>The weight of a policy.</summary>
    public double WeightOf(string policy) => Weights.TryGetValue(policy, out var weight) ? weight : 1.0;
}
