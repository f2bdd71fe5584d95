namespace SlapOS;

/// <summary>An IP address given to a computer partition.</summary>
/// <param name="Address">The IPv4 or IPv6 address.</param>
/// <param name="Netmask">The netmask (dotted IPv4 or IPv6 prefix form, e.g. <c>ffff:ffff:ffff:ffff::</c>).</param>
/// <param name="NetworkInterface">The interface that carries the address (e.g. <c>lo</c>, <c>slapbr0</c>), when known.</param>
public sealed record PartitionAddress(string Address, string Netmask, string? NetworkInterface = null);
