namespace SlapOS;

/// <summary>
/// Base of every error SlapOS reports to a client. <see cref="Kind"/> decides how the
/// APIs answer (400, 403, 404, 408, 409) — never a 500 for a client mistake.
/// </summary>
public class SlapException : Exception
{
    /// <summary>Creates an error of the given kind.</summary>
    public SlapException(SlapErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What kind of failure this is.</summary>
    public SlapErrorKind Kind { get; }
}
