namespace SlapOS.Wire;

/// <summary>
/// The response headers by which our master tells our clients more than SlapOS's JSON schema lets a body say
/// (it forbids new keys). A SlapOS client ignores them; ours read them. One home for both sides.
/// </summary>
public static class SlapHeaders
{
    /// <summary>An instance's exact timestamp (the body has whole seconds only), so that two changes within one second differ.</summary>
    public const string Timestamp = "X-SlapOS-Timestamp";

    /// <summary>What the instance's node last reported (<see cref="SlapStates.ToWire(ReportedState)"/>): a forwarding master brings it back.</summary>
    public const string ReportedState = "X-SlapOS-Reported-State";

    /// <summary>The W3C trace context stored with an instance (<see cref="SlapTraceContext"/>), carried to the node.</summary>
    public const string TraceParent = "X-SlapOS-Trace-Parent";

    /// <summary>The precise <see cref="SlapErrorKind"/> of an error, since SlapOS answers most failures with a 403.</summary>
    public const string ErrorKind = "X-SlapOS-Error-Kind";

    /// <summary>The external master of a forwarded instance.</summary>
    public const string MasterUrl = "X-SlapOS-Master-Url";

    /// <summary>A forwarded instance's reference on its external master.</summary>
    public const string ExternalReference = "X-SlapOS-External-Reference";
}
