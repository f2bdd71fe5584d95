namespace SlapOS;

/// <summary>The kinds of failure a SlapOS operation reports.</summary>
public enum SlapErrorKind
{
    /// <summary>The input is invalid (HTTP 400).</summary>
    Validation,

    /// <summary>The caller may not do this (HTTP 403).</summary>
    Forbidden,

    /// <summary>The named object does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>No partition can host the request (HTTP 404 on the XML API, as SlapOS does).</summary>
    NoCapacity,

    /// <summary>The object exists but is not ready yet (HTTP 408 on the XML API, as SlapOS does).</summary>
    NotReady,

    /// <summary>The request conflicts with the current state (HTTP 409).</summary>
    Conflict,
}
