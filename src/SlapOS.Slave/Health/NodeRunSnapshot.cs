using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Health;

/// <summary>What the node's runs last said.</summary>
/// <param name="LastReached">When a run last reached the master (any exit code but offline).</param>
/// <param name="LastReachedCommand">That run's command (<c>format</c>, <c>software</c>, <c>instance</c>, <c>report</c>).</param>
/// <param name="LastReachedResult">That run's result.</param>
/// <param name="UnreachableSince">Since when every run found the master unreachable, if the last one did.</param>
/// <param name="UnreachableReason">Why the last run found it unreachable.</param>
internal sealed record NodeRunSnapshot(
    DateTimeOffset? LastReached,
    string? LastReachedCommand,
    NodeRunResult? LastReachedResult,
    DateTimeOffset? UnreachableSince,
    string? UnreachableReason);
