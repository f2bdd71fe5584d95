namespace SlapOS.Master;

/// <summary>Which master's behaviour the API follows where SlapOS masters differ.</summary>
public enum CompatibilityProfile
{
    /// <summary>The production master's rules: unknown computers and bad identifiers are refused.</summary>
    Strict,

    /// <summary>
    /// slapproxy's leniency, for developers of software releases who use this master in its place: a default
    /// computer, requests without a requester partition go to it, calls about unknown computers are no-ops,
    /// any string names a software release, and identifiers are shaped as slapproxy's (docs/compatibility.md).
    /// </summary>
    Slapproxy,
}
