namespace SlapOS.Master.Allocation;

/// <summary>How the master spreads instances over computers.</summary>
public enum AllocationStrategy
{
    /// <summary>Prefer the computer with the largest share of free partitions (even load).</summary>
    Spread,

    /// <summary>Prefer the fullest computer that still has room (fewer computers busy).</summary>
    BinPack,
}
