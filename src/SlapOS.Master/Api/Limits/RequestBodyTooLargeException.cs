namespace SlapOS.Master.Api.Limits;

/// <summary>A request body passed its endpoint's limit; each pipeline answers it with 413.</summary>
internal sealed class RequestBodyTooLargeException(long? limit, Exception? inner = null)
    : Exception(
        limit is { } bytes
            ? FormattableString.Invariant($"The request body is larger than {bytes} bytes.")
            : "The request body is larger than this server accepts.",
        inner);
