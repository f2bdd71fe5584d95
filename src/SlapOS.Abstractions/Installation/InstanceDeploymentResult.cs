namespace SlapOS;

/// <summary>What an instance deployment produced.</summary>
/// <param name="ConnectionParameters">Connection parameters the profile published (empty if none).</param>
/// <param name="SharedConnectionParameters">Connection parameters published per shared instance, by shared instance reference.</param>
public sealed record InstanceDeploymentResult(
    IReadOnlyDictionary<string, string> ConnectionParameters,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> SharedConnectionParameters)
{
    /// <summary>A deployment that published nothing.</summary>
    public static InstanceDeploymentResult Empty { get; } = new(
        new Dictionary<string, string>(),
        new Dictionary<string, IReadOnlyDictionary<string, string>>());
}
