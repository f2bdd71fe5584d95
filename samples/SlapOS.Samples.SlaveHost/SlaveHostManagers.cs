namespace SlapOS.Samples.SlaveHost;

/// <summary>The node managers of the sample node (<c>SlaveHost:Managers:*</c>), registered in this order.</summary>
internal sealed class SlaveHostManagers
{
    /// <summary>cgroup limits and exclusive cores (root; <c>SlapOS:Slave:Managers:Cgroup</c>). Off by default.</summary>
    public bool Cgroup { get; set; }

    /// <summary>Devices given to partitions (root; <c>SlapOS:Slave:Managers:Devperm</c>, which must list <c>AllowedDevices</c>). Off by default.</summary>
    public bool Devperm { get; set; }

    /// <summary>Partitions' clean-up scripts before destruction (<c>SlapOS:Slave:Managers:Prerm</c>). On by default.</summary>
    public bool Prerm { get; set; } = true;

    /// <summary>Host ports forwarded into partitions (<c>SlapOS:Slave:Managers:PortRedirect</c>). In process by default.</summary>
    public SlaveHostPortRedirect PortRedirect { get; set; } = SlaveHostPortRedirect.InProcess;

    /// <summary>Partitions' outgoing allow-lists (root, nftables, partition users; <c>SlapOS:Slave:Managers:Firewall</c>). Off by default.</summary>
    public bool Firewall { get; set; }
}
