namespace SlapOS;

/// <summary>The install state of a release on a computer, as the node reports it.</summary>
public enum SoftwareInstallationState
{
    /// <summary>The node is building the release.</summary>
    Building,

    /// <summary>The release is installed.</summary>
    Available,

    /// <summary>The last build failed; see the error message.</summary>
    Error,

    /// <summary>The release was removed from the computer.</summary>
    Destroyed,
}
