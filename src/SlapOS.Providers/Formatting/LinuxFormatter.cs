using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Formatting;

/// <summary>
/// Formats partitions as SlapOS's <c>slapos node format</c> does, as root: per partition a system
/// group and user (<c>slapuserN</c>, no login shell, locked password, home = the partition), its
/// directory (0750, owned by that user), a local IPv4 /32 and an IPv6 /128 on the configured
/// interface (a bridge it creates when missing), and optionally a tap owned by the user. Addresses
/// derive from the partition number, so nothing is stored. Every step checks first, so a second run
/// changes nothing. Shrinking removes a free extra partition (user, addresses, tap, directory) only
/// when its directory is empty; busy ones are never touched.
/// </summary>
internal sealed class LinuxFormatter : IPartitionFormatter
{
    private const UnixFileMode PartitionMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private const string Ipv4Netmask = "255.255.255.255";
    private const string Ipv6Netmask = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    private const int MaxUserName = 32;

    private readonly LinuxFormatterOptions options;
    private readonly ILogger logger;
    private readonly HostCommands commands;
    private readonly IPNetwork ipv4Range;
    private readonly IPNetwork ipv6Prefix;

    public LinuxFormatter(IOptions<LinuxFormatterOptions> options, ILogger<LinuxFormatter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.logger = logger;
        commands = new HostCommands(logger, this.options.DryRun);
        ipv4Range = IPNetwork.Parse(this.options.Ipv4Range);
        ipv6Prefix = IPNetwork.Parse(this.options.Ipv6Prefix);
    }

    /// <summary>How many partitions the IPv4 range can address (network and broadcast addresses excluded).</summary>
    public int Capacity => (int)Math.Min(int.MaxValue, (1L << (32 - ipv4Range.PrefixLength)) - 2);

    public async Task<IReadOnlyList<ComputerPartition>> FormatAsync(PartitionLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        SlapReference.Validate(layout.ComputerReference, "computer_reference");
        SlapReference.Validate(layout.PartitionPrefix, "partition_prefix");
        var userPrefix = UserPrefix(layout);
        if (layout.PartitionAmount < 0 || layout.PartitionAmount > Capacity)
        {
            throw new SlapValidationException("partition_amount", $"must be between 0 and {Capacity} (the size of {options.Ipv4Range})");
        }

        if (!commands.DryRun)
        {
            Directory.CreateDirectory(layout.InstanceRoot);
        }

        await EnsureInterfaceAsync(cancellationToken);
        var addresses = await AddressesAsync(cancellationToken);
        var indexes = new SortedSet<int>(Enumerable.Range(0, layout.PartitionAmount));
        foreach (var (index, path) in ExistingPartitions(layout))
        {
            if (index < layout.PartitionAmount)
            {
                continue;
            }

            var reference = Reference(layout, index);
            if (layout.BusyPartitions.Contains(reference) || Directory.EnumerateFileSystemEntries(path).Any() || index >= Capacity)
            {
                indexes.Add(index);
            }
            else
            {
                await RemovePartitionAsync(layout, userPrefix, index, addresses, cancellationToken);
            }
        }

        var gateway = options.CreateTap && options.TapGatewayInterface is { } gatewayInterface
            ? await TapGateway.ReadAsync(gatewayInterface, cancellationToken)
            : null;
        var partitions = new List<ComputerPartition>(indexes.Count);
        foreach (var index in indexes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            partitions.Add(await EnsurePartitionAsync(layout, userPrefix, index, addresses, gateway, cancellationToken));
        }

        return partitions;
    }

    public Task WipeAsync(PartitionLayout layout, string partitionReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The root formatter runs on Linux.");
        }

        var path = PartitionDirectory.Empty(layout, partitionReference, cancellationToken);

        // Emptying keeps the directory's owner; its mode is part of the partition contract.
        File.SetUnixFileMode(path, PartitionMode);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Undoes every format of this configuration: deletes the users and groups named
    /// <c>&lt;prefix&gt;N</c>, the taps <c>&lt;tap prefix&gt;N</c>, the partitions' addresses, and the
    /// bridge when the formatter creates it. Partition directories are left to the caller.
    /// </summary>
    public async Task UnformatAsync(PartitionLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var userPrefix = UserPrefix(layout);
        foreach (var tap in NumberedNames(Directory.Exists("/sys/class/net") ? Directory.EnumerateDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>() : [], options.TapPrefix))
        {
            await commands.ChangeAsync("ip", ["link", "del", "dev", tap], cancellationToken);
        }

        if (InterfaceExists() && options.CreateBridge)
        {
            await commands.ChangeAsync("ip", ["link", "del", "dev", options.Interface], cancellationToken);
        }
        else if (InterfaceExists())
        {
            foreach (var address in await AddressesAsync(cancellationToken))
            {
                var ip = IPAddress.Parse(address);
                if (ipv4Range.Contains(ip) || ipv6Prefix.Contains(ip))
                {
                    await DeleteAddressAsync(ip, cancellationToken);
                }
            }
        }

        foreach (var user in NumberedNames(File.ReadLines("/etc/passwd").Select(l => l.Split(':')[0]), userPrefix))
        {
            await commands.ChangeAsync("userdel", [user], cancellationToken);
        }

        foreach (var group in NumberedNames(File.ReadLines("/etc/group").Select(l => l.Split(':')[0]), userPrefix))
        {
            await commands.ChangeAsync("groupdel", [group], cancellationToken);
        }
    }

    /// <summary>The name of partition <paramref name="index"/>'s user.</summary>
    public string UserName(PartitionLayout layout, int index) => UserPrefix(layout) + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The name of partition <paramref name="index"/>'s tap.</summary>
    public string TapName(int index) => options.TapPrefix + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Partition <paramref name="index"/>'s IPv4 address.</summary>
    public IPAddress Ipv4Address(int index)
    {
        var start = BinaryPrimitives.ReadUInt32BigEndian(ipv4Range.BaseAddress.GetAddressBytes());
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, start + (uint)index + 1);
        return new IPAddress(bytes);
    }

    /// <summary>Partition <paramref name="index"/>'s IPv6 address.</summary>
    public IPAddress Ipv6Address(int index)
    {
        var start = BinaryPrimitives.ReadUInt128BigEndian(ipv6Prefix.BaseAddress.GetAddressBytes());
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, start + (UInt128)(uint)index + 1);
        return new IPAddress(bytes);
    }

    private async Task<ComputerPartition> EnsurePartitionAsync(PartitionLayout layout, string userPrefix, int index, HashSet<string> addresses, TapGateway? gateway, CancellationToken cancellationToken)
    {
        var reference = Reference(layout, index);
        var user = userPrefix + index.ToString(CultureInfo.InvariantCulture);
        if (user.Length > MaxUserName)
        {
            throw new SlapValidationException("user_prefix", $"'{user}' is longer than {MaxUserName} characters");
        }

        var path = layout.PartitionPath(reference);
        if ((await HostCommands.QueryAsync("getent", ["group", user], cancellationToken)).ExitCode != 0)
        {
            await commands.ChangeAsync("groupadd", ["--system", user], cancellationToken);
        }

        if (PosixProcess.LookupUser(user) is null)
        {
            // No password given: useradd leaves the account locked ('!').
            await commands.ChangeAsync("useradd", ["--system", "--gid", user, "--home-dir", path, "--no-create-home", "--shell", "/usr/sbin/nologin", user], cancellationToken);
        }

        await EnsureDirectoryAsync(path, user, cancellationToken);
        await EnsureAddressAsync(Ipv4Address(index), 32, addresses, cancellationToken);
        await EnsureAddressAsync(Ipv6Address(index), 128, addresses, cancellationToken);
        PartitionTap? tap = null;
        if (options.CreateTap)
        {
            var name = TapName(index);
            if (name.Length > LinuxFormatterOptionsValidator.MaxInterfaceName)
            {
                throw new SlapValidationException("tap", $"'{name}' is longer than {LinuxFormatterOptionsValidator.MaxInterfaceName} characters");
            }

            if (!Directory.Exists(Path.Combine("/sys/class/net", name)))
            {
                await commands.ChangeAsync("ip", ["tuntap", "add", "dev", name, "mode", "tap", "user", user], cancellationToken);
            }

            tap = new PartitionTap(name);
            if (gateway is not null)
            {
                tap = await EnsureTapRouteAsync(gateway.For(name, index), cancellationToken);
            }
        }

        return new ComputerPartition
        {
            ComputerReference = layout.ComputerReference,
            Reference = reference,
            Addresses =
            [
                new PartitionAddress(Ipv4Address(index).ToString(), Ipv4Netmask, options.Interface),
                new PartitionAddress(Ipv6Address(index).ToString(), Ipv6Netmask, options.Interface),
            ],
            Tap = tap,
            State = layout.BusyPartitions.Contains(reference) ? PartitionState.Busy : PartitionState.Free,
        };
    }

    /// <summary>Routes the tap's IPv4 address through it (the tap is brought up: a route needs an up device), as slapformat.</summary>
    private async Task<PartitionTap> EnsureTapRouteAsync(PartitionTap tap, CancellationToken cancellationToken)
    {
        var (_, state, _) = await HostCommands.QueryAsync("ip", ["-o", "link", "show", "dev", tap.Name], cancellationToken);
        if (!state.Contains(",UP", StringComparison.Ordinal) && !state.Contains("<UP", StringComparison.Ordinal))
        {
            await commands.ChangeAsync("ip", ["link", "set", "dev", tap.Name, "up"], cancellationToken);
        }

        var route = tap.Ipv4Address + "/32";
        var (_, routes, _) = await HostCommands.QueryAsync("ip", ["-o", "route", "show", route, "dev", tap.Name], cancellationToken);
        if (string.IsNullOrWhiteSpace(routes))
        {
            await commands.ChangeAsync("ip", ["route", "replace", route, "dev", tap.Name], cancellationToken);
        }

        return tap;
    }

    private async Task RemovePartitionAsync(PartitionLayout layout, string userPrefix, int index, HashSet<string> addresses, CancellationToken cancellationToken)
    {
        var user = userPrefix + index.ToString(CultureInfo.InvariantCulture);
        foreach (var address in new[] { Ipv4Address(index), Ipv6Address(index) })
        {
            if (addresses.Remove(address.ToString()))
            {
                await DeleteAddressAsync(address, cancellationToken);
            }
        }

        if (options.CreateTap && Directory.Exists(Path.Combine("/sys/class/net", TapName(index))))
        {
            await commands.ChangeAsync("ip", ["link", "del", "dev", TapName(index)], cancellationToken);
        }

        if (PosixProcess.LookupUser(user) is not null)
        {
            await commands.ChangeAsync("userdel", [user], cancellationToken);
        }

        if ((await HostCommands.QueryAsync("getent", ["group", user], cancellationToken)).ExitCode == 0)
        {
            await commands.ChangeAsync("groupdel", [user], cancellationToken);
        }

        var path = layout.PartitionPath(Reference(layout, index));
        if (commands.DryRun)
        {
            LinuxFormatterLog.WouldRun(logger, "rmdir " + path);
        }
        else
        {
            Directory.Delete(path);
        }

        LinuxFormatterLog.Removed(logger, Reference(layout, index));
    }

    private async Task EnsureDirectoryAsync(string path, string user, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The root formatter runs on Linux.");
        }

        if (!Directory.Exists(path))
        {
            if (commands.DryRun)
            {
                LinuxFormatterLog.WouldRun(logger, "mkdir -m 0750 " + path);
            }
            else
            {
                Directory.CreateDirectory(path, PartitionMode);
            }
        }

        if (Directory.Exists(path) && File.GetUnixFileMode(path) != PartitionMode)
        {
            // Created under a umask, or changed by hand: the mode is part of the partition contract.
            if (commands.DryRun)
            {
                LinuxFormatterLog.WouldRun(logger, "chmod 0750 " + path);
            }
            else
            {
                File.SetUnixFileMode(path, PartitionMode);
            }
        }

        var owner = PosixProcess.LookupUser(user);
        var current = Directory.Exists(path) ? (await HostCommands.QueryAsync("stat", ["-c", "%u:%g", path], cancellationToken)).Output.Trim() : null;
        if (owner is null || current != string.Create(CultureInfo.InvariantCulture, $"{owner.Value.UserId}:{owner.Value.GroupId}"))
        {
            await commands.ChangeAsync("chown", [$"{user}:{user}", path], cancellationToken);
        }
    }

    private async Task EnsureInterfaceAsync(CancellationToken cancellationToken)
    {
        if (InterfaceExists())
        {
            return;
        }

        if (!options.CreateBridge)
        {
            throw new InvalidOperationException($"The interface '{options.Interface}' does not exist (and CreateBridge is off).");
        }

        await commands.ChangeAsync("ip", ["link", "add", options.Interface, "type", "bridge"], cancellationToken);
        await commands.ChangeAsync("ip", ["link", "set", options.Interface, "up"], cancellationToken);
    }

    private async Task EnsureAddressAsync(IPAddress address, int prefixLength, HashSet<string> addresses, CancellationToken cancellationToken)
    {
        if (addresses.Contains(address.ToString()))
        {
            return;
        }

        var cidr = address + "/" + prefixLength.ToString(CultureInfo.InvariantCulture);
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            // nodad: usable at once (duplicate detection would hold it 'tentative' for a second).
            await commands.ChangeAsync("ip", ["-6", "addr", "add", cidr, "dev", options.Interface, "nodad"], cancellationToken);
        }
        else
        {
            await commands.ChangeAsync("ip", ["addr", "add", cidr, "dev", options.Interface], cancellationToken);
        }

        addresses.Add(address.ToString());
    }

    private Task DeleteAddressAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var prefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "/128" : "/32";
        return commands.ChangeAsync("ip", ["addr", "del", address + prefix, "dev", options.Interface], cancellationToken);
    }

    /// <summary>The addresses on the interface (empty when it does not exist yet, in a dry run).</summary>
    private async Task<HashSet<string>> AddressesAsync(CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var (code, output, _) = await HostCommands.QueryAsync("ip", ["-o", "addr", "show", "dev", options.Interface], cancellationToken);
        if (code != 0)
        {
            return found;
        }

        foreach (var line in output.Split('\n'))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.FindIndex(words, w => w is "inet" or "inet6");
            if (at >= 0 && at + 1 < words.Length && IPAddress.TryParse(words[at + 1].Split('/')[0], out var address))
            {
                found.Add(address.ToString());
            }
        }

        return found;
    }

    private bool InterfaceExists() => Directory.Exists(Path.Combine("/sys/class/net", options.Interface));

    private string UserPrefix(PartitionLayout layout)
    {
        var prefix = options.UserPrefix ?? layout.UserPrefix;
        if (!LinuxFormatterOptionsValidator.UserPattern().IsMatch(prefix))
        {
            throw new SlapValidationException("user_prefix", $"'{prefix}' is not a valid base for user names");
        }

        return prefix;
    }

    private static string Reference(PartitionLayout layout, int index) => layout.PartitionPrefix + index.ToString(CultureInfo.InvariantCulture);

    private static List<string> NumberedNames(IEnumerable<string> names, string prefix) =>
        names.Where(n => n.Length > prefix.Length && n.StartsWith(prefix, StringComparison.Ordinal) && n.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0).ToList();

    private static IEnumerable<(int Index, string Path)> ExistingPartitions(PartitionLayout layout)
    {
        if (!Directory.Exists(layout.InstanceRoot))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateDirectories(layout.InstanceRoot, layout.PartitionPrefix + "*"))
        {
            var suffix = Path.GetFileName(path.AsSpan())[layout.PartitionPrefix.Length..];
            if (suffix.Length is > 0 and < 10
                && int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index.ToString(CultureInfo.InvariantCulture).AsSpan().SequenceEqual(suffix)
                && new DirectoryInfo(path).LinkTarget is null)
            {
                yield return (index, path);
            }
        }
    }
}
