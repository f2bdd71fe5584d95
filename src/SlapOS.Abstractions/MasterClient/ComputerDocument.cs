namespace SlapOS;

/// <summary>What a node fetches from the master: the releases to install or remove and its partitions.</summary>
/// <param name="ComputerReference">The computer.</param>
/// <param name="SoftwareInstallations">Releases supplied to it.</param>
/// <param name="Partitions">Its partitions and the instances they run.</param>
public sealed record ComputerDocument(
    string ComputerReference,
    IReadOnlyList<SoftwareInstallation> SoftwareInstallations,
    IReadOnlyList<PartitionInstance> Partitions);
