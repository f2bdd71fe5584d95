using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>
/// Firewalls a partition (slapgrid's <c>whitelistfirewall</c> manager) with nftables instead of firewalld: a partition
/// that lists addresses in <c>.slapos-whitelist-firewall</c> (a JSON list of IP addresses or networks such as
/// <c>"10.0.0.0/8"</c>) may open connections to those only; every other packet its processes send is rejected.
/// Packets are told apart by the partition user's uid (<c>meta skuid</c>), as slapgrid's <c>--uid-owner</c> rule, so
/// the node and the other partitions are untouched. The rules are replaced atomically after every deployment and
/// removed (with the table when it is the last) at destruction or when the file goes away.
/// </summary>
public sealed class FirewallManager(IOptions<FirewallManagerOptions> options, ILogger<FirewallManager> logger) : INodeManager, IDisposable
{
    /// <summary>The request file, in the partition directory (slapgrid's name).</summary>
    public const string WhitelistFile = ".slapos-whitelist-firewall";

    /// <summary>The prefix of the partitions' chains in the table.</summary>
    public const string ChainPrefix = "firewall_";

    private static readonly (string Name, string Definition)[] BaseChains =
    [
        ("output", "type filter hook output priority filter; policy accept;"),
    ];

    private readonly Lazy<NftablesTable> _table = new(() => new NftablesTable(options.Value.TableName, "firewall", ChainPrefix, BaseChains));

    private NftablesTable Table => _table.Value;

    /// <inheritdoc />
    public string Name => "firewall";

    /// <inheritdoc />
    public async Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var file = Path.Combine(partition.PartitionPath, WhitelistFile);
        if (!File.Exists(file))
        {
            await AfterDestroyAsync(partition, cancellationToken).ConfigureAwait(false);
            return;
        }

        var allowed = Read(file);
        var uid = await UidAsync(partition, cancellationToken).ConfigureAwait(false);
        var rules = new List<string>();
        var v4 = allowed.Where(a => a.BaseAddress.AddressFamily == AddressFamily.InterNetwork).Select(a => a.ToString()).ToList();
        var v6 = allowed.Where(a => a.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6).Select(a => a.ToString()).ToList();
        if (v4.Count > 0)
        {
            rules.Add($"ip daddr {{ {string.Join(", ", v4)} }} accept");
        }

        if (v6.Count > 0)
        {
            rules.Add($"ip6 daddr {{ {string.Join(", ", v6)} }} accept");
        }

        rules.Add("meta l4proto tcp reject with tcp reset");
        rules.Add("reject");
        await Table.ReplacePartitionAsync(partition.PartitionReference, rules, [("output", $"meta skuid {uid}")], cancellationToken).ConfigureAwait(false);
        FirewallManagerLog.Applied(logger, partition.PartitionReference, uid, allowed.Count, options.Value.TableName);
    }

    /// <inheritdoc />
    public async Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        await Table.RemovePartitionAsync(partition.PartitionReference, cancellationToken).ConfigureAwait(false);
        FirewallManagerLog.Removed(logger, partition.PartitionReference, options.Value.TableName);
    }

    private static List<IPNetwork> Read(string file)
    {
        List<string?> entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<string?>>(File.ReadAllText(file)) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new NodeManagerException($"firewall: {WhitelistFile} must be a JSON list of IP addresses or networks (such as [\"10.0.0.1\", \"2001:db8::/32\"]).", ex);
        }

        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (entry is not null && IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (entry is not null && IPAddress.TryParse(entry, out var address) && (address.AddressFamily == AddressFamily.InterNetwork || address.ScopeId == 0))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new NodeManagerException($"firewall: {WhitelistFile}: '{entry}' is not an IP address or network; the partition's previous rules stay.");
            }
        }

        return networks;
    }

    /// <summary>The uid the partition's processes run as: its user's, else the owner of its directory; never root.</summary>
    private static async Task<string> UidAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        var uid = partition.User is { } user
            ? await RunAsync("id", ["-u", "--", user], cancellationToken).ConfigureAwait(false)
            : await RunAsync("stat", ["-c", "%u", partition.PartitionPath], cancellationToken).ConfigureAwait(false);
        return uid != "0"
            ? uid
            : throw new NodeManagerException("firewall: the partition runs as root, so its packets cannot be told from the node's; run partitions as their own users to firewall them.");
    }

    private static async Task<string> RunAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new NodeManagerException($"firewall: cannot run {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new NodeManagerException($"firewall: {command} {string.Join(' ', arguments)} failed: {(await error.ConfigureAwait(false)).Trim()}");
        }

        return (await output.ConfigureAwait(false)).Trim();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_table.IsValueCreated)
        {
            _table.Value.Dispose();
        }
    }
}
