namespace SlapOS.Master.Federation;

/// <summary>
/// An external master could not be reached (after retries) while forwarding a request. Not a
/// <see cref="SlapException"/>: every endpoint answers it 503 with <c>Retry-After</c>, like a lost store,
/// and nothing was recorded for a new request.
/// </summary>
public sealed class ExternalMasterUnavailableException(string masterUrl, TimeSpan retryAfter, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The external master.</summary>
    public string MasterUrl { get; } = masterUrl;

    /// <summary>When to try again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
