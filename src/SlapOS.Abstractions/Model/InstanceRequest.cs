namespace SlapOS;

/// <summary>
/// A request for a software instance. Requests are idempotent by
/// (<see cref="Title"/>, <see cref="RequesterReference"/>).
/// </summary>
public sealed record InstanceRequest
{
    /// <summary>The software type used when none is given.</summary>
    public const string DefaultSoftwareType = "default";

    /// <summary>The requester used for a root instance asked by a person or a tool with no identity.</summary>
    public const string RootRequester = "root";

    /// <summary>The instance's title, unique per requester.</summary>
    public required string Title { get; init; }

    /// <summary>
    /// Who asks: a person reference for a root instance (or <see cref="RootRequester"/>), or the
    /// reference of the requesting instance for a child.
    /// </summary>
    public string RequesterReference { get; init; } = RootRequester;

    /// <summary>The URL of the software release to run.</summary>
    public required string SoftwareReleaseUrl { get; init; }

    /// <summary>The software type (entry point of the instance profile).</summary>
    public string SoftwareType { get; init; } = DefaultSoftwareType;

    /// <summary>The instance parameters (JSON values are passed as their text).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The SLA / filter (e.g. <c>computer_guid</c>, <c>instance_guid</c>, <c>region</c>, <c>max_price</c>).</summary>
    public IReadOnlyDictionary<string, string> Sla { get; init; } = new Dictionary<string, string>();

    /// <summary>The requested state.</summary>
    public RequestedState State { get; init; } = RequestedState.Started;

    /// <summary>Whether this is a shared instance (hosted by an existing partition, no partition of its own).</summary>
    public bool Shared { get; init; }

    /// <summary>Checks every field; throws <see cref="SlapValidationException"/> naming the first bad one.</summary>
    public void Validate() => Validate(anySoftwareRelease: false);

    /// <summary>
    /// Checks every field; with <paramref name="anySoftwareRelease"/> (slapproxy's leniency) the software release
    /// may be any bounded text, not only a URL or an absolute path.
    /// </summary>
    public void Validate(bool anySoftwareRelease)
    {
        SlapReference.ValidateTitle(Title, "title");
        SlapReference.ValidateTitle(RequesterReference, "requester");
        SlapReference.ValidateSoftwareRelease(SoftwareReleaseUrl, "software_release", anySoftwareRelease);
        SlapReference.Validate(SoftwareType, "software_type");
        SlapReference.ValidateParameters(Parameters, "parameters");
        SlapReference.ValidateParameters(Sla, "sla", maxTotalBytes: 64 * 1024);
        if (!Enum.IsDefined(State))
        {
            throw new SlapValidationException("state", "is not a known state");
        }
    }
}
