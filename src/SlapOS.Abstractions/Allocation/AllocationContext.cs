namespace SlapOS;

/// <summary>The request being allocated, as allocation policies see it.</summary>
/// <param name="Request">The instance request with its SLA.</param>
/// <param name="Requester">Who asks, when known.</param>
public sealed record AllocationContext(InstanceRequest Request, SlapIdentity? Requester = null)
{
    /// <summary>An SLA value, or <see langword="null"/> when the request does not set it.</summary>
    public string? Sla(string key) => Request.Sla.TryGetValue(key, out var value) ? value : null;
}
