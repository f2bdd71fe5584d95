namespace SlapOS;

/// <summary>A software build or an instance deployment failed. <see cref="LogTail"/> is what the master is told.</summary>
public sealed class SoftwareInstallerException : Exception
{
    /// <summary>Creates the error.</summary>
    public SoftwareInstallerException(string message, string logTail, Exception? innerException = null)
        : base(message, innerException)
    {
        LogTail = logTail;
    }

    /// <summary>The last lines of the build or deployment log.</summary>
    public string LogTail { get; }
}
