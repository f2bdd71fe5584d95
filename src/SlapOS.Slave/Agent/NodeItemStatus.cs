namespace SlapOS.Slave.Agent;

/// <summary>What a run did with one partition or release.</summary>
public enum NodeItemStatus
{
    /// <summary>Processed successfully.</summary>
    Done,

    /// <summary>Nothing to do (up to date, free partition, already installed).</summary>
    Skipped,

    /// <summary>Not processed yet because something it needs is not ready (its release is not installed).</summary>
    NotReady,

    /// <summary>Failed; the error was reported to the master.</summary>
    Failed,

    /// <summary>Deployed, but a promise failed.</summary>
    PromiseFailed,
}
