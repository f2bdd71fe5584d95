namespace SlapOS;

/// <summary>Whether a computer partition holds an instance.</summary>
public enum PartitionState
{
    /// <summary>The partition is free for allocation.</summary>
    Free,

    /// <summary>The partition holds a software instance.</summary>
    Busy,
}
