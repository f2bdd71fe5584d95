namespace SlapOS;

/// <summary>How many candidates one policy eliminated, for the explanation of an allocation.</summary>
/// <param name="Policy">The policy name.</param>
/// <param name="Eliminated">Candidates it removed.</param>
/// <param name="Kept">Candidates left after it.</param>
public sealed record PolicyElimination(string Policy, int Eliminated, int Kept)
{
    /// <summary>The most computers named per policy in <see cref="Computers"/>.</summary>
    public const int MaxNamedComputers = 50;

    /// <summary>
    /// The computers it eliminated, by reference (at most <see cref="MaxNamedComputers"/>), when the allocation failed
    /// and the explanation names them; empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Computers { get; init; } = [];
}
