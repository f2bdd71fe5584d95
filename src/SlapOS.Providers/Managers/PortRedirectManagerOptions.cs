namespace SlapOS.Providers.Managers;

/// <summary>Options of the port redirection manager, bound from <c>SlapOS:Slave:Managers:PortRedirect</c>.</summary>
public sealed class PortRedirectManagerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:Managers:PortRedirect";

    /// <summary>
    /// The node's own nftables table (family <c>inet</c>) that holds the redirections; it exists only while a partition
    /// forwards a port, and nothing else may use it.
    /// </summary>
    public string TableName { get; set; } = "slapos_portredir";

    /// <summary>The lowest host port a partition may take (the default keeps the node's own services, such as SSH, out of reach).</summary>
    public int MinimumSourcePort { get; set; } = 1024;

    /// <summary>The highest host port a partition may take.</summary>
    public int MaximumSourcePort { get; set; } = 65535;
}
