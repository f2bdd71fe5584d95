namespace SlapOS.Master.Federation;

/// <summary>How an external master last answered (what the portal shows).</summary>
/// <param name="Name">Its name in configuration.</param>
/// <param name="Url">Its URL.</param>
/// <param name="LastAnswer">When it last answered, if ever since start.</param>
/// <param name="LastFailure">When it last could not be reached, if ever since start.</param>
/// <param name="LastError">Why, when the last call failed; <see langword="null"/> once it answers again.</param>
internal sealed record ExternalMasterHealth(string Name, string Url, DateTimeOffset? LastAnswer, DateTimeOffset? LastFailure, string? LastError)
{
    /// <summary>Whether the last call reached it (unknown counts as reachable).</summary>
    public bool Reachable => LastError is null;
}
