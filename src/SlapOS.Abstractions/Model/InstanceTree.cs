namespace SlapOS;

/// <summary>An instance tree: a root instance and every instance requested under it.</summary>
/// <param name="Root">The root instance.</param>
/// <param name="Instances">Every instance of the tree, the root included.</param>
public sealed record InstanceTree(SoftwareInstance Root, IReadOnlyList<SoftwareInstance> Instances)
{
    /// <summary>The person (or <c>root</c>) who requested the root.</summary>
    public string Owner => Root.RequesterReference;

    /// <summary>The direct children of <paramref name="instance"/>.</summary>
    public IEnumerable<SoftwareInstance> ChildrenOf(SoftwareInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Instances.Where(i => i.RequesterReference == instance.Reference);
    }
}
