namespace SlapOS.Master.Portal;

/// <summary>A computer as the portal shows it: its partitions, the instance each busy one runs, and its supplied releases.</summary>
/// <param name="Computer">The computer.</param>
/// <param name="Partitions">Its partitions, by reference.</param>
/// <param name="Instances">The (non-shared) instance of each busy partition, by partition reference.</param>
/// <param name="Installations">The releases supplied to it.</param>
internal sealed record PortalComputer(
    Computer Computer,
    IReadOnlyList<ComputerPartition> Partitions,
    IReadOnlyDictionary<string, SoftwareInstance> Instances,
    IReadOnlyList<SoftwareInstallation> Installations)
{
    public int Used => Partitions.Count(p => p.State == PartitionState.Busy);

    public int Free => Partitions.Count - Used;
}
