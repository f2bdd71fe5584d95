namespace SlapOS;

/// <summary>A manager hook failed; the message is what the master is told for the partition or release.</summary>
public sealed class NodeManagerException : Exception
{
    /// <summary>Creates the error.</summary>
    public NodeManagerException()
    {
    }

    /// <summary>Creates the error.</summary>
    public NodeManagerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error.</summary>
    public NodeManagerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
