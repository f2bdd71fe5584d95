namespace SlapOS;

/// <summary>Why a certificate was revoked; the values are the CRL reason codes of RFC 5280.</summary>
public enum RevocationReason
{
    /// <summary>No reason given.</summary>
    Unspecified = 0,

    /// <summary>Its private key was (or may have been) stolen.</summary>
    KeyCompromise = 1,

    /// <summary>Replaced by a renewed certificate.</summary>
    Superseded = 4,

    /// <summary>Its subject is gone: computer removed, instance destroyed.</summary>
    CessationOfOperation = 5,

    /// <summary>Its subject may no longer act.</summary>
    PrivilegeWithdrawn = 9,
}
