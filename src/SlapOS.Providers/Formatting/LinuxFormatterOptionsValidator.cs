using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Formatting;

/// <summary>Checks <see cref="LinuxFormatterOptions"/> at start-up.</summary>
internal sealed partial class LinuxFormatterOptionsValidator : IValidateOptions<LinuxFormatterOptions>
{
    /// <summary>Linux interface names are at most 15 characters.</summary>
    public const int MaxInterfaceName = 15;

    public ValidateOptionsResult Validate(string? name, LinuxFormatterOptions options)
    {
        var failures = new List<string>();
        var section = LinuxFormatterOptions.SectionName;
        if (!IPNetwork.TryParse(options.Ipv4Range, out var v4) || v4.BaseAddress.AddressFamily != AddressFamily.InterNetwork || v4.PrefixLength is < 8 or > 30)
        {
            failures.Add($"{section}:Ipv4Range must be an IPv4 range in CIDR form, /8 to /30, such as 10.0.0.0/16 (got '{options.Ipv4Range}').");
        }

        if (!IPNetwork.TryParse(options.Ipv6Prefix, out var v6) || v6.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6 || v6.PrefixLength is < 16 or > 112)
        {
            failures.Add($"{section}:Ipv6Prefix must be an IPv6 prefix in CIDR form, /16 to /112, such as fd6a:5a9f:1::/64 (got '{options.Ipv6Prefix}').");
        }

        if (!InterfacePattern().IsMatch(options.Interface ?? string.Empty) || options.Interface!.Length > MaxInterfaceName)
        {
            failures.Add($"{section}:Interface must be an interface name of at most {MaxInterfaceName} letters, digits, '.', '_' or '-' (got '{options.Interface}').");
        }

        if (!InterfacePattern().IsMatch(options.TapPrefix ?? string.Empty) || options.TapPrefix!.Length > MaxInterfaceName - 3)
        {
            failures.Add($"{section}:TapPrefix must be at most {MaxInterfaceName - 3} letters, digits, '.', '_' or '-' (got '{options.TapPrefix}').");
        }

        if (options.TapGatewayInterface is not null
            && (!options.CreateTap || !InterfacePattern().IsMatch(options.TapGatewayInterface) || options.TapGatewayInterface.Length > MaxInterfaceName))
        {
            failures.Add($"{section}:TapGatewayInterface must be an interface name of at most {MaxInterfaceName} letters, digits, '.', '_' or '-', with CreateTap (got '{options.TapGatewayInterface}', CreateTap {options.CreateTap}).");
        }

        if (options.UserPrefix is not null && !UserPattern().IsMatch(options.UserPrefix))
        {
            failures.Add($"{section}:UserPrefix must be a lower-case user name of at most 28 characters (got '{options.UserPrefix}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A user name Debian's useradd accepts (with room for the partition number).</summary>
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,27}$")]
    public static partial Regex UserPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex InterfacePattern();
}
