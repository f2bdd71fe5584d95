namespace SlapOS.Master.Portal;

/// <summary>What the request form holds, kept to show the form again with an explanation.</summary>
internal sealed record RequestFormValues(
    string? Release,
    string? Title,
    string SoftwareType,
    string? Parameters,
    string? Sla,
    bool Shared,
    string State);
