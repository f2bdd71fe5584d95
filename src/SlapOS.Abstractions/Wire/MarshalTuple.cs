namespace SlapOS.Wire;

/// <summary>A Python tuple (<c>&lt;tuple&gt;</c>): ordered, never given an id.</summary>
/// <param name="Items">The items.</param>
public sealed record MarshalTuple(IReadOnlyList<object?> Items)
{
    /// <summary>Creates a tuple of the given items.</summary>
    public MarshalTuple(params object?[] items)
        : this((IReadOnlyList<object?>)items)
    {
    }
}
