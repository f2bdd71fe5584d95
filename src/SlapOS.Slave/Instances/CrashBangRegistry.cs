using System.Collections.Concurrent;

namespace SlapOS.Slave.Instances;

/// <summary>
/// Remembers, per partition, whether a crash already banged its current deployment: a crashing
/// service bangs once, and the next deployment (the bang's own reprocessing) re-arms it.
/// </summary>
internal sealed class CrashBangRegistry
{
    private readonly ConcurrentDictionary<string, Deployment> _deployments = new(StringComparer.Ordinal);

    /// <summary>A deployment of <paramref name="timestamp"/> just happened: a crash may bang again.</summary>
    public void Deployed(string partitionReference, InstanceTimestamp timestamp) =>
        _deployments[partitionReference] = new Deployment(timestamp, Banged: false);

    /// <summary>The partition was destroyed.</summary>
    public void Forget(string partitionReference) => _deployments.TryRemove(partitionReference, out _);

    /// <summary>
    /// Whether a crash in the partition should bang now; marks it banged. A partition not deployed by
    /// this process (e.g. after the agent restarted) bangs once too.
    /// </summary>
    public bool TryMarkBanged(string partitionReference)
    {
        while (true)
        {
            if (!_deployments.TryGetValue(partitionReference, out var current))
            {
                if (_deployments.TryAdd(partitionReference, new Deployment(null, Banged: true)))
                {
                    return true;
                }

                continue;
            }

            if (current.Banged)
            {
                return false;
            }

            if (_deployments.TryUpdate(partitionReference, current with { Banged = true }, current))
            {
                return true;
            }
        }
    }

    private sealed record Deployment(InstanceTimestamp? Timestamp, bool Banged);
}
