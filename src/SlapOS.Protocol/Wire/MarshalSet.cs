namespace SlapOS.Wire;

/// <summary>A Python set (<c>&lt;set&gt;</c>), kept in wire order.</summary>
/// <param name="Items">The items.</param>
public sealed record MarshalSet(IReadOnlyList<object?> Items);
