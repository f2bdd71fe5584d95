namespace SlapOS;

/// <summary>The schema version a store's database is at, and the newest one this SlapOS knows.</summary>
public sealed record SchemaVersion(long Applied, long Latest)
{
    /// <summary>Every migration this SlapOS ships is applied.</summary>
    public bool IsCurrent => Applied == Latest;
}
