using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Formatting;

/// <summary>Checks <see cref="UnprivilegedFormatterOptions"/> at start-up.</summary>
internal sealed class UnprivilegedFormatterOptionsValidator : IValidateOptions<UnprivilegedFormatterOptions>
{
    public ValidateOptionsResult Validate(string? name, UnprivilegedFormatterOptions options)
    {
        var failures = new List<string>();
        if (!IPNetwork.TryParse(options.Ipv4Range, out var range)
            || range.BaseAddress.AddressFamily != AddressFamily.InterNetwork
            || !IPAddress.IsLoopback(range.BaseAddress)
            || range.PrefixLength is < 8 or > 30)
        {
            failures.Add($"{UnprivilegedFormatterOptions.SectionName}:Ipv4Range must be a loopback IPv4 range in CIDR form, /8 to /30, such as 127.16.0.0/16 (got '{options.Ipv4Range}').");
        }

        if (!IPAddress.TryParse(options.Ipv6Address, out var ipv6) || ipv6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            failures.Add($"{UnprivilegedFormatterOptions.SectionName}:Ipv6Address must be an IPv6 address (got '{options.Ipv6Address}').");
        }

        if (string.IsNullOrWhiteSpace(options.NetworkInterface))
        {
            failures.Add($"{UnprivilegedFormatterOptions.SectionName}:NetworkInterface must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
