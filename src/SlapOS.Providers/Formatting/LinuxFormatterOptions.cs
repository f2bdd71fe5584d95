namespace SlapOS.Providers.Formatting;

/// <summary>Options of the root partition formatter, bound from <c>SlapOS:Slave:LinuxFormatter</c>.</summary>
public sealed class LinuxFormatterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:LinuxFormatter";

    /// <summary>
    /// Base name of the partitions' users and groups (<c>slapuserN</c>); null uses the layout's
    /// <see cref="PartitionLayout.UserPrefix"/>.
    /// </summary>
    public string? UserPrefix { get; set; }

    /// <summary>The interface that carries the partitions' addresses.</summary>
    public string Interface { get; set; } = "slapbr0";

    /// <summary>Whether to create <see cref="Interface"/> as a bridge when it does not exist (SlapOS's <c>create_tap</c> bridge).</summary>
    public bool CreateBridge { get; set; } = true;

    /// <summary>
    /// The IPv4 range of the partitions' local addresses, in CIDR form: partition <c>slappartN</c>
    /// gets the (N+1)-th address as a /32.
    /// </summary>
    public string Ipv4Range { get; set; } = "10.0.0.0/16";

    /// <summary>
    /// The IPv6 prefix of the partitions' global addresses: partition <c>slappartN</c> gets
    /// <c>prefix::(N+1)</c> as a /128. Use the node's routed prefix; this default is a private (ULA) one.
    /// </summary>
    public string Ipv6Prefix { get; set; } = "fd6a:5a9f:1::/64";

    /// <summary>Whether each partition gets a tap interface owned by its user (for virtual machines).</summary>
    public bool CreateTap { get; set; }

    /// <summary>
    /// An interface of the host whose IPv4 network gives the taps routable addresses (slapformat's
    /// <c>tap_gateway_interface</c>; needs <see cref="CreateTap"/>): tap N gets the N-th host address of that network
    /// (skipping the network, broadcast and interface addresses), a host route through it, and the interface's address as
    /// its gateway, all recorded in the computer's format upload. Null: taps have no IPv4 address.
    /// </summary>
    public string? TapGatewayInterface { get; set; }

    /// <summary>Base name of the taps (<c>slaptapN</c>); at most 15 characters with the number.</summary>
    public string TapPrefix { get; set; } = "slaptap";

    /// <summary>Logs every command it would run and changes nothing.</summary>
    public bool DryRun { get; set; }
}
