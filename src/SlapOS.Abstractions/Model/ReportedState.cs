namespace SlapOS;

/// <summary>What a node last reported about an instance.</summary>
public enum ReportedState
{
    /// <summary>Nothing reported yet.</summary>
    None,

    /// <summary>The services were started.</summary>
    Started,

    /// <summary>The services were stopped.</summary>
    Stopped,

    /// <summary>The partition was destroyed and wiped.</summary>
    Destroyed,

    /// <summary>The last processing failed; see the error message.</summary>
    Error,
}
