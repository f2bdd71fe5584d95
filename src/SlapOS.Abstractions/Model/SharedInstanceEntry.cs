namespace SlapOS;

/// <summary>
/// A shared instance as its host sees it: one entry of the host's <c>slave_instance_list</c>.
/// </summary>
/// <param name="Reference">The shared instance's reference (<c>slave_reference</c>).</param>
/// <param name="Title">The shared instance's title (<c>slave_title</c>).</param>
/// <param name="SoftwareType">Its software type.</param>
/// <param name="Parameters">Its own parameters.</param>
/// <param name="Timestamp">Its timestamp.</param>
public sealed record SharedInstanceEntry(
    string Reference,
    string Title,
    string SoftwareType,
    IReadOnlyDictionary<string, string> Parameters,
    InstanceTimestamp Timestamp);
