using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Managers;
using SlapOS.Tests;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>
/// The partition firewall on the host's real nftables (root): a process run as the partition user connects to servers
/// in a network namespace, one address allowed and one not.
/// </summary>
[Collection(NftablesCollection.Name)]
public sealed class FirewallManagerTests : IDisposable
{
    private const int Port = 47820;
    private readonly string _root = Directory.CreateTempSubdirectory("m19-firewall-").FullName;
    private readonly string _table = NftablesCollection.UniqueTable();
    private readonly List<string> _users = [];

    public void Dispose()
    {
        foreach (var user in _users)
        {
            NetworkLab.Run("userdel", user);
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_firewalled_partition_reaches_only_its_allow_list_and_destroy_lifts_the_firewall()
    {
        var ruleset = NftablesCollection.Ruleset();
        using (var lab = new NetworkLab())
        {
            lab.StartServerInside(Port);
            INodeManager manager = Manager(_table);
            var (partition, uid) = PartitionWithUser("slappart0");
            var (neighbour, neighbourUid) = PartitionWithUser("slappart1");
            Allow(partition, lab.InsideAddress, "2001:db8:19::/48");
            Assert.Equal("inside", NetworkLab.ConnectFromHostAs(uid, lab.OtherInsideAddress, Port));

            await manager.AfterInstanceAsync(partition, CancellationToken.None);
            await manager.AfterInstanceAsync(neighbour, CancellationToken.None);

            Assert.Equal("inside", NetworkLab.ConnectFromHostAs(uid, lab.InsideAddress, Port));
            Assert.Equal("ConnectionRefusedError", NetworkLab.ConnectFromHostAs(uid, lab.OtherInsideAddress, Port));
            Assert.Equal("inside", NetworkLab.ConnectFromHostAs(neighbourUid, lab.OtherInsideAddress, Port));
            Assert.Equal("inside", NetworkLab.ConnectFromHostAs("0", lab.OtherInsideAddress, Port));

            Allow(partition, lab.OtherInsideAddress);
            await manager.AfterInstanceAsync(partition, CancellationToken.None);

            Assert.Equal("ConnectionRefusedError", NetworkLab.ConnectFromHostAs(uid, lab.InsideAddress, Port));
            Assert.Equal("inside", NetworkLab.ConnectFromHostAs(uid, lab.OtherInsideAddress, Port));
            Assert.Equal(1, NftablesCollection.Table(_table).Split('\n').Count(l => l.Trim() == $"meta skuid {uid} jump firewall_slappart0"));

            await manager.BeforeDestroyAsync(partition, CancellationToken.None);
            await manager.AfterDestroyAsync(partition, CancellationToken.None);

            Assert.Equal("inside", NetworkLab.ConnectFromHostAs(uid, lab.InsideAddress, Port));
            Assert.False(NftablesCollection.TableExists(_table));
        }

        Assert.Equal(ruleset, NftablesCollection.Ruleset());
    }

    [Fact]
    public async Task A_partition_without_its_own_user_or_with_a_bad_list_is_refused_and_nothing_changes()
    {
        INodeManager manager = Manager(_table);
        var rootOwned = Partition("slappart2", user: null);
        Allow(rootOwned, "10.0.0.1");
        var (badList, _) = PartitionWithUser("slappart3");
        File.WriteAllText(Path.Combine(badList.PartitionPath, FirewallManager.WhitelistFile), "[\"10.0.0.1\", \"not-an-address\"]");

        var runsAsRoot = await Assert.ThrowsAsync<NodeManagerException>(() => manager.AfterInstanceAsync(rootOwned, CancellationToken.None));
        var malformed = await Assert.ThrowsAsync<NodeManagerException>(() => manager.AfterInstanceAsync(badList, CancellationToken.None));

        Assert.Contains("runs as root", runsAsRoot.Message, StringComparison.Ordinal);
        Assert.Contains("'not-an-address' is not an IP address or network", malformed.Message, StringComparison.Ordinal);
        Assert.False(NftablesCollection.TableExists(_table));
    }

    [Fact]
    public void A_table_name_nftables_cannot_take_is_refused_at_start_up()
    {
        var result = new FirewallManagerOptionsValidator().Validate(null, new FirewallManagerOptions { TableName = "slapos firewall" });

        Assert.True(result.Failed);
        Assert.Contains("TableName", result.FailureMessage, StringComparison.Ordinal);
    }

    internal static FirewallManager Manager(string table) =>
        new(Options.Create(new FirewallManagerOptions { TableName = table }), NullLogger<FirewallManager>.Instance);

    private static void Allow(NodeManagerPartition partition, params string[] addresses) =>
        File.WriteAllText(Path.Combine(partition.PartitionPath, FirewallManager.WhitelistFile), JsonSerializer.Serialize(addresses));

    private (NodeManagerPartition Partition, string Uid) PartitionWithUser(string reference)
    {
        var user = "sl" + TestRun.UniqueId() + "u" + reference[^1];
        NetworkLab.Run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        _users.Add(user);
        return (Partition(reference, user), NetworkLab.Run("id", "-u", user));
    }

    private NodeManagerPartition Partition(string reference, string? user)
    {
        var path = Path.Combine(_root, reference);
        Directory.CreateDirectory(path);
        return new NodeManagerPartition { ComputerReference = "COMP-M19", PartitionReference = reference, PartitionPath = path, User = user };
    }
}
