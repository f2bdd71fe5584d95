using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>
/// The port redirection manager for nodes without root or nftables: the same <c>.slapos-port-redirect</c> file, served
/// by TCP forwarders in the node process (as slapgrid's socat programs), so it works only while the node runs as a
/// daemon. A redirection without <c>srcAddress</c> listens on every IPv4 address (socat's <c>TCP4-LISTEN</c>); IPv4 and
/// IPv6 may be mixed. UDP is refused. After each deployment the partition's forwarders follow its file: new ones
/// start, removed ones stop, unchanged ones keep their connections; destruction stops them all.
/// </summary>
public sealed class InProcessPortRedirectManager(IOptions<PortRedirectManagerOptions> options, ILogger<InProcessPortRedirectManager> logger) : INodeManager, IAsyncDisposable
{
    private readonly Dictionary<string, Dictionary<PortRedirection, PortForwarder>> _partitions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <inheritdoc />
    public string Name => "portredir";

    /// <summary>How many forwarders run now, all partitions together.</summary>
    internal int ForwarderCount => _partitions.Values.Sum(p => p.Count);

    /// <inheritdoc />
    public async Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var refusals = new List<string>();
        var wanted = PortRedirectRequest.Read(partition, options.Value, refusals) ?? [];
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var running = _partitions.TryGetValue(partition.PartitionReference, out var held) ? held : [];
            foreach (var gone in running.Keys.Where(r => !wanted.Contains(r)).ToList())
            {
                await running[gone].DisposeAsync().ConfigureAwait(false);
                running.Remove(gone);
            }

            foreach (var redirection in wanted.Where(r => !running.ContainsKey(r)))
            {
                if (redirection.Protocol != "tcp")
                {
                    refusals.Add($"the in-process forwarder forwards TCP only (udp port {redirection.SourcePort})");
                    continue;
                }

                try
                {
                    running[redirection] = new PortForwarder(redirection);
                }
                catch (SocketException ex)
                {
                    refusals.Add($"cannot listen on {redirection.SourceAddress?.ToString() ?? "*"}:{redirection.SourcePort}: {ex.Message}");
                }
            }

            if (running.Count > 0)
            {
                _partitions[partition.PartitionReference] = running;
            }
            else
            {
                _partitions.Remove(partition.PartitionReference);
            }

            PortRedirectManagerLog.Forwarding(logger, partition.PartitionReference, running.Count);
        }
        finally
        {
            _lock.Release();
        }

        PortRedirectRequest.ReportRefusals(logger, partition, refusals);
    }

    /// <inheritdoc />
    public async Task AfterDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_partitions.Remove(partition.PartitionReference, out var running))
            {
                foreach (var forwarder in running.Values)
                {
                    await forwarder.DisposeAsync().ConfigureAwait(false);
                }

                PortRedirectManagerLog.Forwarding(logger, partition.PartitionReference, 0);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Stops every forwarder (the node is stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var forwarder in _partitions.Values.SelectMany(p => p.Values))
        {
            await forwarder.DisposeAsync().ConfigureAwait(false);
        }

        _partitions.Clear();
        _lock.Dispose();
    }
}
