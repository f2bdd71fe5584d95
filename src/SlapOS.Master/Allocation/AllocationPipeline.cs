using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master.Allocation;

/// <summary>
/// The marketplace: every policy filters in registration order, the survivors are ranked by the sum of
/// each scoring policy's normalized score times its weight, then a partition is reserved on the best
/// computer; a lost race tries the next best.
/// </summary>
internal sealed class AllocationPipeline(
    IEnumerable<IAllocationPolicy> policies,
    IOptionsMonitor<AllocationOptions> options,
    IMasterStore store,
    ILogger<AllocationPipeline> logger)
{
    private readonly IAllocationPolicy[] _policies = [.. policies];

    /// <summary>The policies in pipeline order.</summary>
    public IReadOnlyList<IAllocationPolicy> Policies => _policies;

    /// <summary>Allocates <paramref name="instance"/> to a partition and returns it as stored.</summary>
    /// <exception cref="NoFreePartitionException">No computer can host it; the message says why.</exception>
    public async Task<SoftwareInstance> AllocateAsync(AllocationContext context, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        var candidates = await store.ListAllocationCandidatesAsync(context.Request.SoftwareReleaseUrl, cancellationToken).ConfigureAwait(false);
        var eliminations = new List<PolicyElimination>(_policies.Length + 1);
        var ranked = Rank(context, candidates, eliminations);
        var lost = 0;
        foreach (var candidate in ranked)
        {
            var reserved = await store.TryReservePartitionAsync(candidate.Computer.Reference, instance, cancellationToken).ConfigureAwait(false);
            if (reserved is not null)
            {
                return reserved;
            }

            lost++;
            MasterLog.ReservationLost(logger, candidate.Computer.Reference, context.Request.Title);
        }

        if (lost > 0)
        {
            eliminations.Add(new PolicyElimination("reservation", lost, 0));
        }

        throw new NoFreePartitionException(context.Request.Title, candidates.Count, Name(context, candidates, eliminations));
    }

    /// <summary>
    /// On failure only (a successful allocation pays nothing for it): runs the filters again to name the computers each
    /// policy eliminated, so that the explanation says which computers and why.
    /// </summary>
    private List<PolicyElimination> Name(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates, List<PolicyElimination> eliminations)
    {
        var named = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IReadOnlyList<AllocationCandidate> current = candidates;
        foreach (var policy in _policies)
        {
            if (current.Count == 0)
            {
                break;
            }

            var next = policy.Filter(context, current);
            var kept = next.Select(c => c.Computer.Reference).ToHashSet(StringComparer.Ordinal);
            named[policy.Name] = [.. current.Select(c => c.Computer.Reference).Where(r => !kept.Contains(r)).Take(PolicyElimination.MaxNamedComputers)];
            current = next;
        }

        return [.. eliminations.Select(e => named.TryGetValue(e.Policy, out var computers) && computers.Count > 0 ? e with { Computers = computers } : e)];
    }

    /// <summary>Filters and orders candidates, best first, recording what each policy eliminated.</summary>
    public IReadOnlyList<AllocationCandidate> Rank(AllocationContext context, IReadOnlyList<AllocationCandidate> candidates, List<PolicyElimination> eliminations)
    {
        foreach (var policy in _policies)
        {
            if (policy is IAllocationPreflight preflight)
            {
                preflight.Check(context, candidates);
            }
        }

        IReadOnlyList<AllocationCandidate> current = candidates;
        foreach (var policy in _policies)
        {
            var before = current.Count;
            current = policy.Filter(context, current);
            eliminations.Add(new PolicyElimination(policy.Name, before - current.Count, current.Count));
            if (current.Count == 0)
            {
                return current;
            }
        }

        if (current.Count == 1)
        {
            return current;
        }

        var totals = new double[current.Count];
        var raw = new double[current.Count];
        var weights = options.CurrentValue;
        foreach (var policy in _policies)
        {
            var weight = weights.WeightOf(policy.Name);
            if (weight == 0)
            {
                continue;
            }

            double min = double.MaxValue, max = double.MinValue;
            var scored = false;
            for (var i = 0; i < current.Count; i++)
            {
                if (policy.Score(context, current[i]) is not { } score)
                {
                    raw[i] = double.NaN;
                    continue;
                }

                scored = true;
                raw[i] = score;
                min = Math.Min(min, score);
                max = Math.Max(max, score);
            }

            // A policy that gives every candidate the same score does not change the order.
            if (!scored || max <= min)
            {
                continue;
            }

            for (var i = 0; i < current.Count; i++)
            {
                if (!double.IsNaN(raw[i]))
                {
                    totals[i] += weight * (raw[i] - min) / (max - min);
                }
            }
        }

        var order = new int[current.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var byScore = totals[b].CompareTo(totals[a]);
            return byScore != 0 ? byScore : string.CompareOrdinal(current[a].Computer.Reference, current[b].Computer.Reference);
        });
        return [.. order.Select(i => current[i])];
    }
}
