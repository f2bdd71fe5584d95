namespace SlapOS;

/// <summary>A computer, partition, instance or release named by the caller does not exist.</summary>
public sealed class SlapNotFoundException : SlapException
{
    /// <summary>Creates the error for a missing <paramref name="what"/> called <paramref name="reference"/>.</summary>
    public SlapNotFoundException(string what, string reference)
        : base(SlapErrorKind.NotFound, $"{what} '{reference}' does not exist")
    {
        What = what;
        Reference = reference;
    }

    /// <summary>The kind of object that was not found (e.g. <c>computer</c>).</summary>
    public string What { get; }

    /// <summary>The reference that was looked up.</summary>
    public string Reference { get; }
}
