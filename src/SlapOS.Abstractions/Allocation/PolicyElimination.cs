namespace SlapOS;

/// <summary>How many candidates one policy eliminated, for the explanation of an allocation.</summary>
/// <param name="Policy">The policy name.</param>
/// <param name="Eliminated">Candidates it removed.</param>
/// <param name="Kept">Candidates left after it.</param>
public sealed record PolicyElimination(string Policy, int Eliminated, int Kept);
