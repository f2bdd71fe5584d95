namespace SlapOS;

/// <summary>
/// Where a client of a SlapOS master gets the CRL it checks that master's TLS certificate against: a node and its
/// master (<c>SlapOS:Slave:MasterClient:RevocationCheck</c>), a master and an external master it forwards to
/// (<c>SlapOS:Master:Federation:Masters:&lt;name&gt;:RevocationCheck</c>). The rules on it are in
/// <see cref="MasterRevocationCheckRules"/>.
/// </summary>
public enum MasterRevocationCheck
{
    /// <summary>
    /// <see cref="Master"/> for a JSON API client with a CA certificate file (our master publishes its CRL);
    /// <see cref="Off"/> otherwise (a real SlapOS master, reached over the XML API, publishes none at <c>/ca/crl</c>).
    /// </summary>
    Auto,

    /// <summary>The CRL the master publishes at <c>/ca/crl</c>, fetched again every refresh interval.</summary>
    Master,

    /// <summary>The CRL in a file (DER or PEM), read again every refresh interval.</summary>
    File,

    /// <summary>No revocation check of the master's certificate (its chain to the CA is still checked).</summary>
    Off,
}
