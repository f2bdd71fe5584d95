using System.Diagnostics;

namespace SlapOS;

/// <summary>
/// The W3C trace context (<c>traceparent</c>) a request leaves with its instance, so that the node's software and
/// instance runs for that instance join the request's trace, across processes and across the network.
/// </summary>
public static class SlapTraceContext
{
    /// <summary>The length of a version-00 <c>traceparent</c>: <c>00-</c>, 32 hex digits, <c>-</c>, 16 hex digits, <c>-</c>, 2 hex digits.</summary>
    private const int TraceParentLength = 55;

    /// <summary>
    /// The <c>traceparent</c> of <paramref name="activity"/> when it is worth keeping: W3C format and recorded
    /// (sampled); otherwise <see langword="null"/>, so an unsampled request leaves nothing behind.
    /// </summary>
    /// <param name="activity">The current activity, usually <see cref="Activity.Current"/>.</param>
    public static string? Capture(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Recorded: true } ? activity.Id : null;

    /// <summary>
    /// Reads a stored or received <c>traceparent</c> as a remote parent; <see langword="false"/> for anything that is
    /// not a valid version-00 W3C trace context (hostile or missing input never throws).
    /// </summary>
    /// <param name="traceParent">The <c>traceparent</c> text.</param>
    /// <param name="context">The parsed context.</param>
    public static bool TryParse(string? traceParent, out ActivityContext context)
    {
        context = default;
        return traceParent is { Length: TraceParentLength }
            && traceParent.All(c => char.IsAsciiHexDigitLower(c) || c == '-')
            && ActivityContext.TryParse(traceParent, null, isRemote: true, out context);
    }
}
