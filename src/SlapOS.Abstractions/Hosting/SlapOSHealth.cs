namespace SlapOS;

/// <summary>
/// The health conventions every SlapOS host follows, master or node: <c>/health/live</c> runs no check (the
/// process serves HTTP), <c>/health/ready</c> runs every check tagged <see cref="ReadyTag"/> and answers 503
/// when one is unhealthy.
/// </summary>
public static class SlapOSHealth
{
    /// <summary>The tag of the checks that <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";
}
