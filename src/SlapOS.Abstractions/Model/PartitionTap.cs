namespace SlapOS;

/// <summary>The tap interface of a computer partition (<c>slaptapN</c>), for software that runs virtual machines.</summary>
/// <param name="Name">The interface name.</param>
/// <param name="Ipv4Address">The IPv4 address routed to the tap, if any.</param>
/// <param name="Ipv4Gateway">The gateway of that address, if any.</param>
/// <param name="Ipv4Netmask">The netmask of that address, if any.</param>
/// <param name="Ipv4Network">The network of that address, if any.</param>
public sealed record PartitionTap(
    string Name,
    string? Ipv4Address = null,
    string? Ipv4Gateway = null,
    string? Ipv4Netmask = null,
    string? Ipv4Network = null);
