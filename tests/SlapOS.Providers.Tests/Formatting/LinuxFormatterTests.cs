using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Providers.Formatting;
using SlapOS.Providers.Supervision;

using SlapOS.Tests;

namespace SlapOS.Providers.Tests.Formatting;

/// <summary>What the root formatter makes on the host: users, ownership, addresses, taps; and what it undoes.</summary>
public sealed class LinuxFormatterTests : IAsyncLifetime
{
    private readonly RootNode node = new();
    private readonly string root = Directory.CreateTempSubdirectory("slapos-rootformat-").FullName;

    private string InstanceRoot => Path.Combine(root, "srv", "slapgrid");

    public Task InitializeAsync()
    {
        RootNode.RequireRoot();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await node.CleanupAsync(InstanceRoot);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Each_partition_has_a_locked_user_without_login_that_owns_its_directory()
    {
        var partitions = await node.Create().FormatAsync(Layout(2), CancellationToken.None);

        Assert.Equal(2, partitions.Count);
        for (var i = 0; i < 2; i++)
        {
            var user = node.UserPrefix + i;
            var path = Path.Combine(InstanceRoot, "slappart" + i);
            Assert.NotNull(PosixProcess.LookupUser(user));
            Assert.Equal($"{user}:{user}", HostCommand.Run("stat", "-c", "%U:%G", path).Trim());
            Assert.Equal("750", HostCommand.Run("stat", "-c", "%a", path).Trim());
            var entry = HostCommand.Run("getent", "passwd", user).Trim().Split(':');
            Assert.Equal(path, entry[5]);
            Assert.Equal("/usr/sbin/nologin", entry[6]);
            Assert.Equal("L", HostCommand.Run("passwd", "--status", user).Split(' ')[1]);
        }
    }

    [Fact]
    public async Task Addresses_are_on_the_bridge_and_taps_belong_to_the_partition_users()
    {
        var formatter = node.Create();

        var partitions = await formatter.FormatAsync(Layout(3), CancellationToken.None);

        Assert.Contains("bridge", HostCommand.Run("ip", "-d", "-o", "link", "show", "dev", node.Bridge), StringComparison.Ordinal);
        var shown = HostCommand.Run("ip", "-o", "addr", "show", "dev", node.Bridge);
        foreach (var partition in partitions)
        {
            var ipv4 = partition.Addresses.Single(a => !a.Address.Contains(':', StringComparison.Ordinal));
            var ipv6 = partition.Addresses.Single(a => a.Address.Contains(':', StringComparison.Ordinal));
            Assert.Contains($"inet {ipv4.Address}/32 ", shown, StringComparison.Ordinal);
            Assert.Contains($"inet6 {ipv6.Address}/128 ", shown, StringComparison.Ordinal);
            Assert.Equal(node.Bridge, ipv4.NetworkInterface);
            Assert.True(System.Net.IPNetwork.Parse(node.Ipv6Prefix).Contains(System.Net.IPAddress.Parse(ipv6.Address)), $"{ipv6.Address} is not in {node.Ipv6Prefix}");
            Assert.True(System.Net.IPNetwork.Parse(node.Ipv4Range).Contains(System.Net.IPAddress.Parse(ipv4.Address)), $"{ipv4.Address} is not in {node.Ipv4Range}");
            var index = partition.Reference["slappart".Length..];
            Assert.Equal(node.TapPrefix + index, partition.Tap?.Name);
            var tap = HostCommand.Run("ip", "-d", "-o", "link", "show", "dev", node.TapPrefix + index);
            Assert.Contains("tun type tap", tap, StringComparison.Ordinal);
            Assert.Contains($"user {node.UserPrefix}{index} ", tap, StringComparison.Ordinal);
        }

        // A second format finds everything in place: it adds no second copy of an address.
        await node.Create().FormatAsync(Layout(3), CancellationToken.None);
        Assert.Equal(shown, HostCommand.Run("ip", "-o", "addr", "show", "dev", node.Bridge));
    }

    [Fact]
    public async Task Shrinking_removes_a_free_partition_with_its_user_addresses_and_tap()
    {
        var formatter = node.Create();
        await formatter.FormatAsync(Layout(3), CancellationToken.None);

        var partitions = await formatter.FormatAsync(Layout(2), CancellationToken.None);

        Assert.Equal(2, partitions.Count);
        Assert.Null(PosixProcess.LookupUser(node.UserPrefix + 2));
        Assert.NotEqual(0, HostCommand.TryRun("getent", "group", node.UserPrefix + 2).Code);
        Assert.False(Directory.Exists(Path.Combine(InstanceRoot, "slappart2")));
        Assert.False(Directory.Exists("/sys/class/net/" + node.TapPrefix + 2));
        var shown = HostCommand.Run("ip", "-o", "addr", "show", "dev", node.Bridge);
        Assert.DoesNotContain($" {formatter.Ipv4Address(2)}/32 ", shown, StringComparison.Ordinal);
        Assert.DoesNotContain($" {formatter.Ipv6Address(2)}/128 ", shown, StringComparison.Ordinal);
        Assert.Contains($" {formatter.Ipv4Address(1)}/32 ", shown, StringComparison.Ordinal);
        Assert.NotNull(PosixProcess.LookupUser(node.UserPrefix + 1));
    }

    [Fact]
    public async Task Unformat_leaves_no_user_group_tap_or_bridge()
    {
        await node.Create().FormatAsync(Layout(2), CancellationToken.None);

        await node.Create().UnformatAsync(Layout(2), CancellationToken.None);

        Assert.DoesNotContain(File.ReadLines("/etc/passwd"), l => l.StartsWith(node.UserPrefix, StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadLines("/etc/group"), l => l.StartsWith(node.UserPrefix, StringComparison.Ordinal));
        Assert.False(Directory.Exists("/sys/class/net/" + node.Bridge));
        Assert.DoesNotContain(Directory.EnumerateDirectories("/sys/class/net"), d => Path.GetFileName(d).StartsWith(node.TapPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dry_run_logs_every_command_and_changes_nothing()
    {
        var logger = new FakeLogger<LinuxFormatter>();

        await node.Create(dryRun: true, logger: logger).FormatAsync(Layout(1), CancellationToken.None);

        var commands = logger.Collector.GetSnapshot().Select(r => r.Message).Where(m => m.StartsWith("Dry run: would run ", StringComparison.Ordinal)).ToList();
        Assert.Contains(commands, c => c.Contains($"ip link add {node.Bridge} type bridge", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains($"groupadd --system {node.UserPrefix}0", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("useradd --system", StringComparison.Ordinal) && c.EndsWith($" {node.UserPrefix}0", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("mkdir -m 0750 " + Path.Combine(InstanceRoot, "slappart0"), StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains($"ip addr add {node.Create().Ipv4Address(0)}/32 dev {node.Bridge}", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains($"ip -6 addr add {node.Create().Ipv6Address(0)}/128 dev {node.Bridge}", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains($"ip tuntap add dev {node.TapPrefix}0 mode tap user {node.UserPrefix}0", StringComparison.Ordinal));
        Assert.Null(PosixProcess.LookupUser(node.UserPrefix + 0));
        Assert.False(Directory.Exists("/sys/class/net/" + node.Bridge));
        Assert.False(Directory.Exists(Path.Combine(InstanceRoot, "slappart0")));
    }

    [Fact]
    public async Task UseLinuxFormatter_replaces_an_earlier_formatter_and_binds_its_options()
    {
        var builder = Substitute.For<ISlapOSSlaveBuilder>();
        var services = new ServiceCollection();
        builder.Services.Returns(services);
        services.AddSingleton(Substitute.For<IPartitionFormatter>());
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Slave:LinuxFormatter:Interface"] = "slapbr7" })
            .Build());

        builder.UseLinuxFormatter(o => o.CreateTap = true);

        await using var provider = services.BuildServiceProvider();
        Assert.Single(services, d => d.ServiceType == typeof(IPartitionFormatter));
        Assert.IsType<LinuxFormatter>(provider.GetRequiredService<IPartitionFormatter>());
        var options = provider.GetRequiredService<IOptions<LinuxFormatterOptions>>().Value;
        Assert.Equal("slapbr7", options.Interface);
        Assert.True(options.CreateTap);
    }

    [Fact]
    public async Task Bad_options_fail_the_host_start_with_a_clear_message()
    {
        var builder = Host.CreateApplicationBuilder();
        var slave = Substitute.For<ISlapOSSlaveBuilder>();
        slave.Services.Returns(builder.Services);
        slave.UseLinuxFormatter(o =>
        {
            o.Ipv6Prefix = "10.0.0.0/8";
            o.Interface = "a-name-that-is-far-too-long";
            o.TapGatewayInterface = "eth0"; // without CreateTap
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Ipv6Prefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("Interface", error.Message, StringComparison.Ordinal);
        Assert.Contains("TapGatewayInterface", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taps_get_routable_IPv4_addresses_of_the_gateway_interface_network_with_a_route_through_each()
    {
        // The gateway interface (slapformat's tap_gateway_interface): here the node's bridge, with a /29 of its own.
        await node.Create().FormatAsync(Layout(0), CancellationToken.None);
        var bytes = Guid.NewGuid().ToByteArray();
        var network = $"10.199.{bytes[0]}.{bytes[1] & 0xF8}";
        var gateway = $"10.199.{bytes[0]}.{(bytes[1] & 0xF8) + 1}";
        HostCommand.Run("ip", "addr", "add", gateway + "/29", "dev", node.Bridge);
        var formatter = node.Create(tapGateway: node.Bridge);

        var partitions = await formatter.FormatAsync(Layout(3), CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            var tap = partitions.Single(p => p.Reference == "slappart" + i).Tap!;
            var address = $"10.199.{bytes[0]}.{(bytes[1] & 0xF8) + 2 + i}";
            Assert.Equal(new PartitionTap(node.TapPrefix + i, address, gateway, "255.255.255.248", network), tap);
            Assert.Contains($"{address} ", HostCommand.Run("ip", "-o", "route", "show", address + "/32", "dev", tap.Name), StringComparison.Ordinal);
        }

        // A second format finds the routes in place; a sixth tap would not fit in the /29 (5 addresses besides the gateway).
        string Routes() => string.Concat(Enumerable.Range(0, 3).Select(i => HostCommand.Run("ip", "-o", "route", "show", "dev", node.TapPrefix + i)));
        var routes = Routes();
        var again = await node.Create(tapGateway: node.Bridge).FormatAsync(Layout(3), CancellationToken.None);
        Assert.Equal(partitions.Select(p => p.Tap), again.Select(p => p.Tap));
        Assert.Equal(routes, Routes());
        var full = await Assert.ThrowsAsync<SlapValidationException>(() => node.Create(tapGateway: node.Bridge).FormatAsync(Layout(6), CancellationToken.None));
        Assert.Contains("5 taps", full.Message, StringComparison.Ordinal);
    }

    private PartitionLayout Layout(int amount) => new()
    {
        ComputerReference = "COMP-TEST",
        InstanceRoot = InstanceRoot,
        PartitionAmount = amount,
    };
}
