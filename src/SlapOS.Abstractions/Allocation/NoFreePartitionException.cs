namespace SlapOS;

/// <summary>
/// No partition can host a request. The message explains why: how many candidates there were
/// and how many each policy eliminated.
/// </summary>
public sealed class NoFreePartitionException : SlapException
{
    /// <summary>Creates the error with its explanation.</summary>
    public NoFreePartitionException(string title, int candidates, IReadOnlyList<PolicyElimination> eliminations)
        : base(SlapErrorKind.NoCapacity, Explain(title, candidates, eliminations))
    {
        Title = title;
        Candidates = candidates;
        Eliminations = eliminations;
    }

    /// <summary>The title of the request that could not be allocated.</summary>
    public string Title { get; }

    /// <summary>How many computers were considered.</summary>
    public int Candidates { get; }

    /// <summary>What each policy eliminated, in pipeline order.</summary>
    public IReadOnlyList<PolicyElimination> Eliminations { get; }

    private static string Explain(string title, int candidates, IReadOnlyList<PolicyElimination> eliminations)
    {
        var parts = eliminations.Where(e => e.Eliminated > 0).Select(e => $"{e.Policy} eliminated {e.Eliminated}");
        var tail = string.Join("; ", parts);
        return FormattableString.Invariant($"no free partition for '{title}': {candidates} candidates") + (tail.Length > 0 ? "; " + tail : string.Empty);
    }
}
