using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>
/// Forwards host ports into partitions (slapgrid's <c>portredir</c> manager) with nftables destination NAT instead of
/// socat processes. A partition lists its redirections in <c>.slapos-port-redirect</c>, a JSON list of
/// <c>{"srcPort": 8080, "destPort": 80, "type": "tcp", "srcAddress": "…", "destAddress": "…"}</c>; the destination
/// defaults to the partition's IPv6 address as in slapgrid. Each partition gets its own chain in the node's table,
/// replaced atomically after every deployment and removed (with the table when it is the last) at destruction or when
/// the file goes away.
/// </summary>
public sealed class PortRedirectManager(IOptions<PortRedirectManagerOptions> options, ILogger<PortRedirectManager> logger) : INodeManager, IDisposable
{
    /// <summary>The request file, in the partition directory (slapgrid's name).</summary>
    public const string PortRedirectFile = PortRedirectRequest.FileName;

    /// <summary>The prefix of the partitions' chains in the table.</summary>
    public const string ChainPrefix = "portredir_";

    private static readonly (string Name, string Definition)[] BaseChains =
    [
        ("prerouting", "type nat hook prerouting priority dstnat; policy accept;"),
        ("output", "type nat hook output priority -100; policy accept;"),
    ];

    private readonly Lazy<NftablesTable> _table = new(() => new NftablesTable(options.Value.TableName, "portredir", ChainPrefix, BaseChains));

    private NftablesTable Table => _table.Value;

    /// <inheritdoc />
    public string Name => "portredir";

    /// <inheritdoc />
    public async Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var refusals = new List<string>();
        if (PortRedirectRequest.Read(partition, options.Value, refusals) is not { } redirections)
        {
            await AfterDestroyAsync(partition, cancellationToken).ConfigureAwait(false);
            return;
        }

        var rules = new List<string>();
        foreach (var redirection in redirections)
        {
            if (Rule(redirection) is { } rule)
            {
                rules.Add(rule);
            }
            else
            {
                refusals.Add($"srcAddress {redirection.SourceAddress} and destAddress {redirection.DestinationAddress} are not of the same IP version (nftables cannot translate between them)");
            }
        }

        await Table.ReplacePartitionAsync(partition.PartitionReference, rules, [.. BaseChains.Select(b => (b.Name, string.Empty))], cancellationToken).ConfigureAwait(false);
        PortRedirectManagerLog.Applied(logger, partition.PartitionReference, rules.Count, options.Value.TableName);
        PortRedirectRequest.ReportRefusals(logger, partition, refusals);
    }

    /// <inheritdoc />
    public async Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        await Table.RemovePartitionAsync(partition.PartitionReference, cancellationToken).ConfigureAwait(false);
        PortRedirectManagerLog.Removed(logger, partition.PartitionReference, options.Value.TableName);
    }

    /// <summary>The nftables rule of one redirection, or <see langword="null"/> when it would translate between IP versions.</summary>
    private static string? Rule(PortRedirection redirection)
    {
        var (source, destination) = (redirection.SourceAddress, redirection.DestinationAddress);
        if (source is not null && source.AddressFamily != destination.AddressFamily)
        {
            return null;
        }

        var v6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
        var protocol = v6 ? "ip6" : "ip";
        var match = source is null ? $"meta nfproto {(v6 ? "ipv6" : "ipv4")} fib daddr type local" : $"{protocol} daddr {source}";
        var target = v6 ? $"[{destination}]" : destination.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{match} {redirection.Protocol} dport {redirection.SourcePort} dnat {protocol} to {target}:{redirection.DestinationPort}");
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
