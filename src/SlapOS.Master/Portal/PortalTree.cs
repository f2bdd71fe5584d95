namespace SlapOS.Master.Portal;

/// <summary>An instance tree and the shared instances its partitions host (requested by others).</summary>
/// <param name="Tree">The tree.</param>
/// <param name="Hosted">Shared instances hosted by an instance of the tree, by host reference.</param>
internal sealed record PortalTree(InstanceTree Tree, IReadOnlyDictionary<string, IReadOnlyList<SoftwareInstance>> Hosted);
