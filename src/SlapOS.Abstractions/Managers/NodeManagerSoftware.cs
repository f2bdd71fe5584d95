namespace SlapOS;

/// <summary>What a manager sees of a release being installed.</summary>
public sealed record NodeManagerSoftware
{
    /// <summary>The computer reference.</summary>
    public required string ComputerReference { get; init; }

    /// <summary>The release and where it goes.</summary>
    public required SoftwareBuild Build { get; init; }
}
