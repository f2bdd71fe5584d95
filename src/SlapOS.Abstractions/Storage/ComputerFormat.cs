namespace SlapOS;

/// <summary>What <c>slapos node format</c> uploads: the computer's address and its partitions.</summary>
/// <param name="ComputerReference">The computer.</param>
/// <param name="Address">The computer's main address.</param>
/// <param name="Netmask">The computer's netmask.</param>
/// <param name="Partitions">Every partition the node has now (busy or not).</param>
public sealed record ComputerFormat(
    string ComputerReference,
    string? Address,
    string? Netmask,
    IReadOnlyList<ComputerPartition> Partitions);
