using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Managers;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>The port redirection manager on the host's real nftables (root), reached from a network namespace.</summary>
[Collection(NftablesCollection.Name)]
public sealed class PortRedirectManagerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("m19-portredir-").FullName;
    private readonly string _table = NftablesCollection.UniqueTable();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_forwarded_host_port_reaches_the_partition_service_and_destroy_removes_the_rule()
    {
        var ruleset = NftablesCollection.Ruleset();
        using (var lab = new NetworkLab())
        {
            lab.AddPartitionAddress();
            var service = new TcpListener(IPAddress.Parse(lab.PartitionAddress), 47811);
            service.Start();
            using var stop = new CancellationTokenSource();
            var serving = ServeAsync(service, stop.Token);
            try
            {
                INodeManager manager = Manager(_table);
                var partition = Partition("slappart0");
                Request(partition, new { srcPort = 47810, destPort = 47811, destAddress = lab.PartitionAddress });
                Assert.Equal("ConnectionRefusedError", lab.ConnectFromInside(lab.HostAddress, 47810));

                await manager.AfterInstanceAsync(partition, CancellationToken.None);

                Assert.Equal("partition", lab.ConnectFromInside(lab.HostAddress, 47810));
                Assert.Equal("partition", await ConnectAsync(lab.HostAddress, 47810));

                await manager.AfterInstanceAsync(partition, CancellationToken.None);
                // Applied twice, one jump per base chain (prerouting and output) and one rule.
                var lines = NftablesCollection.Table(_table).Split('\n').Select(l => l.Trim()).ToList();
                Assert.Equal(2, lines.Count(l => l == "jump portredir_slappart0"));
                Assert.Single(lines, l => l.Contains("dport 47810", StringComparison.Ordinal));

                await manager.BeforeDestroyAsync(partition, CancellationToken.None);
                await manager.AfterDestroyAsync(partition, CancellationToken.None);

                Assert.Equal("ConnectionRefusedError", lab.ConnectFromInside(lab.HostAddress, 47810));
                Assert.False(NftablesCollection.TableExists(_table));
            }
            finally
            {
                await stop.CancelAsync();
                service.Stop();
                await serving;
            }
        }

        Assert.Equal(ruleset, NftablesCollection.Ruleset());
    }

    [Fact]
    public async Task Redirections_follow_slapgrid_format_bad_ones_are_reported_and_the_table_goes_with_the_last_partition()
    {
        var ruleset = NftablesCollection.Ruleset();
        INodeManager manager = Manager(_table);
        var first = Partition("slappart1", "2001:db8:19::5");
        var second = Partition("slappart2");
        Request(
            first,
            new { srcPort = 47812, destPort = 80 },
            new { srcPort = "47813", destPort = "8080", type = "udp", srcAddress = "2001:db8:19::1" },
            new { srcPort = 22, destPort = 22 },
            new { srcPort = 47814, destPort = 80, type = "sctp" },
            new { srcPort = 47815, destPort = 80, srcAddress = "10.0.0.1" });
        Request(second, new { srcPort = 47816, destPort = 80, destAddress = "10.218.0.9" });

        var error = await Assert.ThrowsAsync<NodeManagerException>(() => manager.AfterInstanceAsync(first, CancellationToken.None));
        await manager.AfterInstanceAsync(second, CancellationToken.None);

        Assert.Contains("host port 22 is outside 1024-65535", error.Message, StringComparison.Ordinal);
        Assert.Contains("type must be tcp or udp (got 'sctp')", error.Message, StringComparison.Ordinal);
        Assert.Contains("not of the same IP version", error.Message, StringComparison.Ordinal);
        var table = NftablesCollection.Table(_table);
        Assert.Contains("meta nfproto ipv6 fib daddr type local tcp dport 47812 dnat ip6 to [2001:db8:19::5]:80", table, StringComparison.Ordinal);
        Assert.Contains("ip6 daddr 2001:db8:19::1 udp dport 47813 dnat ip6 to [2001:db8:19::5]:8080", table, StringComparison.Ordinal);
        Assert.Contains("meta nfproto ipv4 fib daddr type local tcp dport 47816 dnat ip to 10.218.0.9:80", table, StringComparison.Ordinal);
        Assert.DoesNotContain("dport 22 ", table, StringComparison.Ordinal);

        File.Delete(Path.Combine(first.PartitionPath, PortRedirectManager.PortRedirectFile));
        await manager.AfterInstanceAsync(first, CancellationToken.None);

        table = NftablesCollection.Table(_table);
        Assert.DoesNotContain("portredir_slappart1", table, StringComparison.Ordinal);
        Assert.Contains("dport 47816", table, StringComparison.Ordinal);

        await manager.AfterDestroyAsync(second, CancellationToken.None);

        Assert.False(NftablesCollection.TableExists(_table));
        Assert.Equal(ruleset, NftablesCollection.Ruleset());
    }

    [Fact]
    public async Task Partitions_deployed_and_destroyed_in_parallel_keep_their_own_rules_and_the_last_one_removes_the_table()
    {
        INodeManager manager = Manager(_table);
        var partitions = Enumerable.Range(10, 6).Select(i => Partition("slappart" + i)).ToList();
        foreach (var (partition, index) in partitions.Select((p, i) => (p, i)))
        {
            Request(partition, new { srcPort = 47840 + index, destPort = 80, destAddress = "10.218.0.9" });
        }

        await Task.WhenAll(partitions.Select(p => manager.AfterInstanceAsync(p, CancellationToken.None)));

        var lines = NftablesCollection.Table(_table).Split('\n').Select(l => l.Trim()).ToList();
        Assert.All(partitions, p => Assert.Equal(2, lines.Count(l => l == "jump portredir_" + p.PartitionReference)));
        Assert.Equal(6, lines.Count(l => l.Contains("dnat ip to 10.218.0.9:80", StringComparison.Ordinal)));

        await Task.WhenAll(partitions.Select(p => manager.AfterDestroyAsync(p, CancellationToken.None)));

        Assert.False(NftablesCollection.TableExists(_table));
    }

    [Fact]
    public async Task A_request_file_that_is_not_a_json_list_is_reported_and_changes_nothing()
    {
        var partition = Partition("slappart3");
        File.WriteAllText(Path.Combine(partition.PartitionPath, PortRedirectManager.PortRedirectFile), "{\"srcPort\": 1}");

        var error = await Assert.ThrowsAsync<NodeManagerException>(() => Manager(_table).AfterInstanceAsync(partition, CancellationToken.None));

        Assert.Contains("JSON list", error.Message, StringComparison.Ordinal);
        Assert.False(NftablesCollection.TableExists(_table));
    }

    [Theory]
    [InlineData("1slapos", 1024, 65535, "TableName")]
    [InlineData("slapos-nat", 1024, 65535, "TableName")]
    [InlineData("slapos", 2000, 1000, "MinimumSourcePort")]
    [InlineData("slapos", 0, 1000, "MinimumSourcePort")]
    public void Bad_options_are_refused_at_start_up(string table, int minimum, int maximum, string named)
    {
        var result = new PortRedirectManagerOptionsValidator().Validate(null, new PortRedirectManagerOptions { TableName = table, MinimumSourcePort = minimum, MaximumSourcePort = maximum });

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    internal static PortRedirectManager Manager(string table) =>
        new(Options.Create(new PortRedirectManagerOptions { TableName = table }), NullLogger<PortRedirectManager>.Instance);

    private static async Task ServeAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("partition"), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<string> ConnectAsync(string address, int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Parse(address), port);
        var buffer = new byte[64];
        var read = await client.GetStream().ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static void Request(NodeManagerPartition partition, params object[] redirections) =>
        File.WriteAllText(Path.Combine(partition.PartitionPath, PortRedirectManager.PortRedirectFile), JsonSerializer.Serialize(redirections));

    private NodeManagerPartition Partition(string reference, string? ipv6 = null)
    {
        var path = Path.Combine(_root, reference);
        Directory.CreateDirectory(path);
        var instance = new PartitionInstance
        {
            ComputerReference = "COMP-M19",
            PartitionReference = reference,
            Addresses = ipv6 is null ? [] : [new PartitionAddress("10.0.19.5", "255.255.255.0"), new PartitionAddress(ipv6, "64")],
        };
        return new NodeManagerPartition { ComputerReference = "COMP-M19", PartitionReference = reference, PartitionPath = path, Instance = instance };
    }
}
