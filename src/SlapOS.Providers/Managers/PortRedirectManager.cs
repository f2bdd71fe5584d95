using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
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
public sealed class PortRedirectManager(IOptions<PortRedirectManagerOptions> options, ILogger<PortRedirectManager> logger) : INodeManager
{
    /// <summary>The request file, in the partition directory (slapgrid's name).</summary>
    public const string PortRedirectFile = ".slapos-port-redirect";

    /// <summary>The prefix of the partitions' chains in the table.</summary>
    public const string ChainPrefix = "portredir_";

    private static readonly (string Name, string Definition)[] BaseChains =
    [
        ("prerouting", "type nat hook prerouting priority dstnat; policy accept;"),
        ("output", "type nat hook output priority -100; policy accept;"),
    ];

    private NftablesTable Table => new(options.Value.TableName, Name);

    /// <inheritdoc />
    public string Name => "portredir";

    /// <inheritdoc />
    public async Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var file = Path.Combine(partition.PartitionPath, PortRedirectFile);
        var chain = Chain(partition);
        if (!File.Exists(file))
        {
            await RemoveAsync(partition, chain, cancellationToken).ConfigureAwait(false);
            return;
        }

        var refusals = new List<string>();
        var rules = new List<string>();
        foreach (var entry in Read(file))
        {
            if (Rule(entry, partition, out var reason) is { } rule)
            {
                rules.Add(rule);
            }
            else
            {
                PortRedirectManagerLog.Refused(logger, partition.PartitionReference, reason);
                refusals.Add("portredir: " + reason);
            }
        }

        await Table.ReplaceChainAsync(BaseChains, chain, rules, [.. BaseChains.Select(b => (b.Name, "jump " + chain))], cancellationToken).ConfigureAwait(false);
        PortRedirectManagerLog.Applied(logger, partition.PartitionReference, rules.Count, options.Value.TableName);
        if (refusals.Count > 0)
        {
            throw new NodeManagerException(string.Join('\n', refusals));
        }
    }

    /// <inheritdoc />
    public Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return RemoveAsync(partition, Chain(partition), cancellationToken);
    }

    private async Task RemoveAsync(NodeManagerPartition partition, string chain, CancellationToken cancellationToken)
    {
        await Table.RemoveChainAsync(chain, ChainPrefix, cancellationToken).ConfigureAwait(false);
        PortRedirectManagerLog.Removed(logger, partition.PartitionReference, options.Value.TableName);
    }

    private static string Chain(NodeManagerPartition partition)
    {
        var chain = ChainPrefix + partition.PartitionReference;
        return NftablesTable.IsIdentifier(chain)
            ? chain
            : throw new NodeManagerException($"portredir: partition reference '{partition.PartitionReference}' cannot name an nftables chain (letters, digits, '_').");
    }

    private static List<JsonElement> Read(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? [.. document.RootElement.EnumerateArray().Select(e => e.Clone())]
                : throw new NodeManagerException($"portredir: {PortRedirectFile} must be a JSON list of redirections.");
        }
        catch (JsonException ex)
        {
            throw new NodeManagerException($"portredir: {PortRedirectFile} is not JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The nftables rule of one redirection, or <see langword="null"/> with the reason it is refused.</summary>
    private string? Rule(JsonElement entry, NodeManagerPartition partition, out string reason)
    {
        reason = string.Empty;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            reason = $"each redirection is an object with srcPort and destPort (got {entry.GetRawText()})";
            return null;
        }

        var type = Text(entry, "type") ?? "tcp";
        if (type.ToLowerInvariant() is not ("tcp" or "udp"))
        {
            reason = $"type must be tcp or udp (got '{type}')";
            return null;
        }

        var source = Port(entry, "srcPort");
        var destination = Port(entry, "destPort");
        if (source is null || destination is null)
        {
            reason = $"srcPort and destPort must be ports 1-65535 (got {entry.GetRawText()})";
            return null;
        }

        if (source < options.Value.MinimumSourcePort || source > options.Value.MaximumSourcePort)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"host port {source} is outside {options.Value.MinimumSourcePort}-{options.Value.MaximumSourcePort} ({PortRedirectManagerOptions.SectionName})");
            return null;
        }

        IPAddress? sourceAddress = null;
        if (Text(entry, "srcAddress") is { } sourceText && !IPAddress.TryParse(sourceText, out sourceAddress))
        {
            reason = $"srcAddress '{sourceText}' is not an IP address";
            return null;
        }

        var destinationText = Text(entry, "destAddress")
            ?? partition.Instance?.Addresses.Select(a => a.Address).FirstOrDefault(a => a.Contains(':', StringComparison.Ordinal));
        if (destinationText is null || !IPAddress.TryParse(destinationText, out var destinationAddress))
        {
            reason = destinationText is null
                ? $"no destAddress and the partition has no IPv6 address to default to (port {source})"
                : $"destAddress '{destinationText}' is not an IP address";
            return null;
        }

        if (sourceAddress is not null && sourceAddress.AddressFamily != destinationAddress.AddressFamily)
        {
            reason = $"srcAddress {sourceAddress} and destAddress {destinationAddress} are not of the same IP version (nftables cannot translate between them)";
            return null;
        }

        var v6 = destinationAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var protocol = v6 ? "ip6" : "ip";
        var match = sourceAddress is null ? $"meta nfproto {(v6 ? "ipv6" : "ipv4")} fib daddr type local" : $"{protocol} daddr {sourceAddress}";
        var target = v6 ? $"[{destinationAddress}]" : destinationAddress.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{match} {type.ToLowerInvariant()} dport {source} dnat {protocol} to {target}:{destination}");
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A port given as a number or a string of digits (slapgrid accepts both).</summary>
    private static int? Port(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out var value))
        {
            return null;
        }

        var port = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => 0,
        };
        return port is >= 1 and <= 65535 ? port : null;
    }
}
