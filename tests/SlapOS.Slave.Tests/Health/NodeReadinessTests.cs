using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace SlapOS.Slave.Tests.Health;

/// <summary>The node's readiness check, run as a host's /health/ready runs it: every check tagged ready.</summary>
public sealed class NodeReadinessTests
{
    private static readonly Dictionary<string, string?> DaemonOn = new() { ["SlapOS:Slave:RunDaemon"] = "true" };

    [Fact]
    public async Task Ready_follows_the_master_across_runs_and_recovers_without_restart()
    {
        using var node = new NodeFixture(DaemonOn);

        var before = await ReadyAsync(node);
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("no run has reached the master", Description(before), StringComparison.Ordinal);

        await node.Agent.InstanceAsync();
        var reached = await ReadyAsync(node);
        Assert.Equal(HealthStatus.Healthy, reached.Status);
        Assert.Contains("instance", Description(reached), StringComparison.Ordinal);

        node.Master.GetComputerDocumentAsync(NodeFixture.Computer, Arg.Any<CancellationToken>())
            .ThrowsAsync(new MasterUnreachableException("connection refused"));
        await node.Agent.InstanceAsync();
        var offline = await ReadyAsync(node);
        Assert.Equal(HealthStatus.Unhealthy, offline.Status);
        Assert.Contains("unreachable", Description(offline), StringComparison.Ordinal);
        Assert.Contains("connection refused", Description(offline), StringComparison.Ordinal);

        node.Master.GetComputerDocumentAsync(NodeFixture.Computer, Arg.Any<CancellationToken>())
            .Returns(_ => new ComputerDocument(NodeFixture.Computer, node.Software, node.Partitions));
        await node.Agent.InstanceAsync();
        Assert.Equal(HealthStatus.Healthy, (await ReadyAsync(node)).Status);
    }

    [Fact]
    public async Task A_node_whose_last_run_reaching_the_master_is_too_old_is_not_ready()
    {
        using var node = new NodeFixture(new Dictionary<string, string?> { ["SlapOS:Slave:RunDaemon"] = "true", ["SlapOS:Slave:ReadinessMaximumRunAge"] = "00:10:00" });
        await node.Agent.InstanceAsync();
        node.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HealthStatus.Healthy, (await ReadyAsync(node)).Status);

        node.Time.Advance(TimeSpan.FromMinutes(2));
        var stale = await ReadyAsync(node);
        Assert.Equal(HealthStatus.Unhealthy, stale.Status);
        Assert.Contains("ReadinessMaximumRunAge", Description(stale), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_promise_run_is_local_and_does_not_make_the_node_ready()
    {
        using var node = new NodeFixture(DaemonOn);
        await node.Agent.PromiseAsync();
        Assert.Equal(HealthStatus.Unhealthy, (await ReadyAsync(node)).Status);
    }

    [Fact]
    public async Task With_the_daemon_off_and_no_run_the_node_is_degraded_and_says_why()
    {
        using var node = new NodeFixture();
        var report = await ReadyAsync(node);
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("RunDaemon=false", Description(report), StringComparison.Ordinal);
    }

    private static async Task<HealthReportEntry> ReadyAsync(NodeFixture node)
    {
        var report = await node.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(SlapOSHealth.ReadyTag));
        return Assert.Single(report.Entries).Value;
    }

    private static string Description(HealthReportEntry entry) => entry.Description ?? string.Empty;
}
