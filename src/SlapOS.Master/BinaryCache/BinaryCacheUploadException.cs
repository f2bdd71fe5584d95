namespace SlapOS.Master.BinaryCache;

/// <summary>An upload the cache refuses, with the HTTP status and the message the client gets.</summary>
internal sealed class BinaryCacheUploadException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
