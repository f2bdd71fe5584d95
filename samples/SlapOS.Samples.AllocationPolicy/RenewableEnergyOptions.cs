namespace SlapOS.Samples.AllocationPolicy;

/// <summary>What the renewable-energy policy looks for on a computer.</summary>
public sealed class RenewableEnergyOptions
{
    /// <summary>The computer attribute that says how it is powered.</summary>
    public string AttributeName { get; set; } = "energy";

    /// <summary>The value that earns the preference.</summary>
    public string PreferredValue { get; set; } = "renewable";
}
