namespace SlapOS.Master.Portal;

/// <summary>HTML that is already safe (built by <see cref="HtmlBuilder"/>); written as is, never re-encoded.</summary>
/// <param name="Value">The HTML.</param>
internal readonly record struct Markup(string Value)
{
    public static Markup Empty { get; } = new(string.Empty);

    public override string ToString() => Value;
}
