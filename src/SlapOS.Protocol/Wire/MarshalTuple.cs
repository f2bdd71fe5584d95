namespace SlapOS.Wire;

/// <summary>A Python tuple (<c>&lt;tuple&gt;</c>): ordered, never given an id; equal to another tuple with equal items.</summary>
/// <param name="Items">The items.</param>
public sealed record MarshalTuple(IReadOnlyList<object?> Items)
{
    /// <summary>Creates a tuple of the given items.</summary>
    public MarshalTuple(params object?[] items)
        : this((IReadOnlyList<object?>)items)
    {
    }

    /// <summary>Tuples compare item by item, as in Python.</summary>
    public bool Equals(MarshalTuple? other) => other is not null && Items.SequenceEqual(other.Items);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var item in Items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
