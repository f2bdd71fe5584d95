namespace SlapOS;

/// <summary>What the master asks a computer to do with a software release.</summary>
public enum SupplyState
{
    /// <summary>Install the release (<c>available</c>).</summary>
    Available,

    /// <summary>Remove the release (<c>destroyed</c>).</summary>
    Destroyed,
}
