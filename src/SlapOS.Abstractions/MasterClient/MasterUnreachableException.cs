namespace SlapOS;

/// <summary>The master could not be reached (after retries): the node runs offline.</summary>
public sealed class MasterUnreachableException(string message, Exception? innerException = null) : Exception(message, innerException);
