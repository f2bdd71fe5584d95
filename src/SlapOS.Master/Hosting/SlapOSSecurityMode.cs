namespace SlapOS.Master;

/// <summary>How the master authenticates callers.</summary>
public enum SlapOSSecurityMode
{
    /// <summary>Every caller presents a certificate issued by the master's CA.</summary>
    MutualTls,

    /// <summary>No authentication, as slapproxy: every caller is an administrator. Refused on any address but loopback.</summary>
    InsecureLoopback,
}
