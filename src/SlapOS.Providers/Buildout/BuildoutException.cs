namespace SlapOS.Providers.Buildout;

/// <summary>A buildout profile is wrong (syntax, substitution, unknown recipe…) or a part failed.</summary>
public sealed class BuildoutException : Exception
{
    /// <summary>Creates the error.</summary>
    public BuildoutException()
    {
    }

    /// <summary>Creates the error.</summary>
    public BuildoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error.</summary>
    public BuildoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
