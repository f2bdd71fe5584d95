namespace SlapOS;

/// <summary>
/// A value given to SlapOS (a reference, a URL, parameters…) is not acceptable.
/// <see cref="Field"/> names the offending field so that clients can show a clear message.
/// </summary>
public sealed class SlapValidationException : SlapException
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public SlapValidationException(string field, string message)
        : base(SlapErrorKind.Validation, $"{field}: {message}")
    {
        Field = field;
        Reason = message;
    }

    /// <summary>The name of the field that was rejected (e.g. <c>title</c>, <c>software_release</c>).</summary>
    public string Field { get; }

    /// <summary>Why the value was rejected, without the field name.</summary>
    public string Reason { get; }
}
