using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Health;

/// <summary>
/// A node host's readiness, from what its runs last said: the master was reachable at the last run, and a run
/// reached it within <see cref="SlapOSSlaveOptions.ReadinessMaximumRunAge"/>. A run that reached the master
/// but failed on a partition or a promise is <see cref="HealthStatus.Degraded"/> (still 200: the node works, one
/// of its partitions does not). With the daemon off nothing runs on its own: degraded, said so.
/// </summary>
internal sealed class NodeReadinessHealthCheck(NodeRunRecord record, IOptions<SlapOSSlaveOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        var settings = options.Value;
        var runs = record.Snapshot();
        if (runs.UnreachableSince is { } since)
        {
            return HealthCheckResult.Unhealthy($"the master {settings.MasterUrl} is unreachable since {Format(since)}: {runs.UnreachableReason}");
        }

        if (runs.LastReached is not { } reached)
        {
            return settings.RunDaemon
                ? HealthCheckResult.Unhealthy($"no run has reached the master {settings.MasterUrl} yet")
                : HealthCheckResult.Degraded("the node daemon is off (SlapOS:Slave:RunDaemon=false): nothing runs until a node command does");
        }

        var age = time.GetUtcNow() - reached;
        if (age > settings.ReadinessMaximumRunAge)
        {
            return HealthCheckResult.Unhealthy(
                $"no run has reached the master {settings.MasterUrl} since {Format(reached)} (more than {settings.ReadinessMaximumRunAge}, SlapOS:Slave:ReadinessMaximumRunAge)");
        }

        var result = runs.LastReachedResult!;
        var last = $"the last run that reached the master {settings.MasterUrl} was {runs.LastReachedCommand} at {Format(reached)}";
        return result.ExitCode switch
        {
            NodeExitCode.Failure => HealthCheckResult.Degraded($"{last}; it failed: {Failures(result)}"),
            NodeExitCode.PromiseFailure => HealthCheckResult.Degraded($"{last}; promises failed: {Failures(result)}"),
            _ => HealthCheckResult.Healthy(last),
        };
    }

    private static string Failures(NodeRunResult result) =>
        result.Message ?? string.Join(", ", result.Outcomes.Where(o => o.Status is NodeItemStatus.Failed or NodeItemStatus.PromiseFailed).Select(o => o.Item));

    private static string Format(DateTimeOffset at) => at.ToString("u", CultureInfo.InvariantCulture);
}
