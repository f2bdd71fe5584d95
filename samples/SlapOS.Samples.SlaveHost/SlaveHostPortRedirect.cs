namespace SlapOS.Samples.SlaveHost;

/// <summary>Which port redirection manager the sample node registers (<c>SlaveHost:Managers:PortRedirect</c>).</summary>
internal enum SlaveHostPortRedirect
{
    /// <summary>None: <c>.slapos-port-redirect</c> files are ignored.</summary>
    Off,

    /// <summary>TCP forwarders in the node process, no root (<c>UseInProcessPortRedirectManager</c>).</summary>
    InProcess,

    /// <summary>Destination NAT in the node's nftables table, as root (<c>UsePortRedirectManager</c>).</summary>
    Nftables,
}
