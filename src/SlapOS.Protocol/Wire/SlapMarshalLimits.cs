namespace SlapOS.Wire;

/// <summary>Bounds applied while reading a marshal document; the defaults suit every SlapOS exchange.</summary>
public sealed record SlapMarshalLimits
{
    /// <summary>The defaults: depth 64, 8 MiB, 1,000,000 elements.</summary>
    public static SlapMarshalLimits Default { get; } = new();

    /// <summary>The deepest element nesting accepted (the <c>marshal</c> root is depth 0).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>The largest document accepted, in bytes (streams) or characters (strings).</summary>
    public long MaxDocumentSize { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// The most elements accepted, counting every value a <c>reference</c> expands to, so that shared
    /// references cannot blow up into an exponential structure.
    /// </summary>
    public long MaxElements { get; init; } = 1_000_000;
}
