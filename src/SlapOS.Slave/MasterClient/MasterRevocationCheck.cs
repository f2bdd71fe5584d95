namespace SlapOS.Slave;

/// <summary>Where the node gets the CRL it checks its master's TLS certificate against (<see cref="SlapMasterClientOptions.RevocationCheck"/>).</summary>
public enum MasterRevocationCheck
{
    /// <summary>
    /// <see cref="Master"/> for the JSON API client when <see cref="SlapMasterClientOptions.CaCertificateFile"/> is set
    /// (our master publishes its CRL); <see cref="Off"/> otherwise (a real SlapOS master publishes none at <c>/ca/crl</c>).
    /// </summary>
    Auto,

    /// <summary>The CRL the master publishes at <c>/ca/crl</c>, fetched again every <see cref="SlapMasterClientOptions.RevocationRefreshInterval"/>.</summary>
    Master,

    /// <summary>The CRL in <see cref="SlapMasterClientOptions.RevocationListFile"/> (DER or PEM), read again every <see cref="SlapMasterClientOptions.RevocationRefreshInterval"/>.</summary>
    File,

    /// <summary>No revocation check of the master's certificate (its chain to the CA is still checked).</summary>
    Off,
}
