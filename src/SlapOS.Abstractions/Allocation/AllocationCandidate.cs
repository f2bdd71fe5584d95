namespace SlapOS;

/// <summary>
/// A computer that could host a request: its attributes and how many partitions it has free.
/// Allocation filters and scores computers; the reservation then takes one free partition on the winner.
/// </summary>
/// <param name="Computer">The computer and its attributes.</param>
/// <param name="FreePartitions">Free partitions on it.</param>
/// <param name="TotalPartitions">All partitions on it.</param>
/// <param name="HasReleaseInstalled">Whether the requested release is already installed (reported available) there.</param>
public sealed record AllocationCandidate(
    Computer Computer,
    int FreePartitions,
    int TotalPartitions,
    bool HasReleaseInstalled);
