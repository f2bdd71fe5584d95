namespace SlapOS.Slave.Promises;

/// <summary>The result of one promise, as written to <c>&lt;partition&gt;/.slapgrid/promise/&lt;name&gt;.status.json</c>.</summary>
/// <param name="Name">The promise's file name.</param>
/// <param name="Path">Its path.</param>
/// <param name="Success">Whether it exited 0 within its timeout.</param>
/// <param name="ExitCode">Its exit code, if it exited.</param>
/// <param name="TimedOut">Whether it was killed on timeout.</param>
/// <param name="Message">The tail of its output.</param>
/// <param name="Start">When it started.</param>
/// <param name="End">When it ended.</param>
internal sealed record PromiseResult(
    string Name,
    string Path,
    bool Success,
    int? ExitCode,
    bool TimedOut,
    string Message,
    DateTimeOffset Start,
    DateTimeOffset End);
