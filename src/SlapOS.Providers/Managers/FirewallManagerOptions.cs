namespace SlapOS.Providers.Managers;

/// <summary>Options of the partition firewall manager, bound from <c>SlapOS:Slave:Managers:Firewall</c>.</summary>
public sealed class FirewallManagerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:Managers:Firewall";

    /// <summary>
    /// The node's own nftables table (family <c>inet</c>) that holds the allow-lists; it exists only while a partition
    /// is firewalled, and nothing else may use it.
    /// </summary>
    public string TableName { get; set; } = "slapos_firewall";
}
