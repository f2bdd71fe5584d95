namespace SlapOS.Providers.Formatting;

/// <summary>Options of the unprivileged partition formatter, bound from <c>SlapOS:Slave:UnprivilegedFormatter</c>.</summary>
public sealed class UnprivilegedFormatterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave:UnprivilegedFormatter";

    /// <summary>
    /// The loopback range partitions take their IPv4 address from, in CIDR form: partition
    /// <c>slappartN</c> gets the (N+1)-th address of the range (<c>127.16.0.0/16</c>: slappart0 →
    /// 127.16.0.1). Linux routes all of 127.0.0.0/8 to <c>lo</c>, so nothing needs configuring.
    /// </summary>
    public string Ipv4Range { get; set; } = "127.16.0.0/16";

    /// <summary>The IPv6 address every partition shares (<c>::1</c>): without root, <c>lo</c> has no other.</summary>
    public string Ipv6Address { get; set; } = "::1";

    /// <summary>The interface reported for the addresses.</summary>
    public string NetworkInterface { get; set; } = "lo";
}
