namespace SlapOSPolicy1;

/// <summary>What <see cref="PreferredAttributePolicy"/> looks for (configuration: <c>SlapOS:Master:Allocation:PreferredAttribute</c>).</summary>
public sealed class PreferredAttributeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Master:Allocation:PreferredAttribute";

    /// <summary>The computer attribute to look at.</summary>
    public string AttributeName { get; set; } = "energy";

    /// <summary>The value that earns a computer the preference (compared without case).</summary>
    public string PreferredValue { get; set; } = "renewable";

    /// <summary>Whether computers without the preferred value are eliminated rather than only scored lower.</summary>
    public bool Required { get; set; }
}
