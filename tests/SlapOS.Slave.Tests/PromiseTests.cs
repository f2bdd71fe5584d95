using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Processes;
using SlapOS.Slave.Promises;

namespace SlapOS.Slave.Tests;

public sealed class PromiseTests : IDisposable
{
    private readonly NodeFixture _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_promise_past_its_timeout_is_killed_with_its_children_and_fails()
    {
        var path = _node.CreatePartition("slappart0");
        var pidFile = Path.Combine(path, "child.pid");
        _node.WriteScript("slappart0", "etc/promise/hangs", $"sleep 300 & echo $! > '{pidFile}'; wait");
        var runner = new PromiseRunner(
            new ExecutableRunner(TimeProvider.System),
            Options.Create(new SlapOSSlaveOptions { PromiseTimeout = TimeSpan.FromMilliseconds(500) }),
            TimeProvider.System);

        var result = Assert.Single(await runner.RunAsync(path, null, CancellationToken.None));

        Assert.False(result.Success);
        Assert.True(result.TimedOut);
        Assert.Null(result.ExitCode);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsAlive(child), $"child {child} of the timed-out promise is still running");
        Assert.Contains("\"timedOut\": true", File.ReadAllText(Path.Combine(path, ".slapgrid/promise/hangs.status.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promise_command_checks_deployed_started_partitions_and_reports_failures()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.AddInstance("slappart1", NodeFixture.Timestamp(1000));
        _node.AddInstance("slappart2", NodeFixture.Timestamp(1000), RequestedState.Stopped);
        _node.WriteTimestamp("slappart0", NodeFixture.Timestamp(1000));
        _node.WriteTimestamp("slappart1", NodeFixture.Timestamp(1000));
        _node.WriteTimestamp("slappart2", NodeFixture.Timestamp(1000));
        _node.WriteScript("slappart0", "etc/promise/ok", "exit 0");
        _node.WriteScript("slappart1", "etc/promise/broken", "echo down; exit 3");
        _node.WriteScript("slappart2", "etc/promise/broken", "exit 3");

        var result = await _node.Agent.PromiseAsync();

        Assert.Equal(NodeExitCode.PromiseFailure, result.ExitCode);
        Assert.Equal([("slappart0", NodeItemStatus.Done), ("slappart1", NodeItemStatus.PromiseFailed)], result.Outcomes.Select(o => (o.Item, o.Status)));
        await _node.Master.Received(1).ReportInstanceStateAsync(NodeFixture.Computer, "slappart1", ReportedState.Error,
            Arg.Is<string>(m => m.Contains("broken", StringComparison.Ordinal) && m.Contains("exit code 3", StringComparison.Ordinal)), Arg.Any<CancellationToken>());
        Assert.Empty(_node.Installer.ReceivedCalls());
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        // A zombie is dead but not reaped yet.
        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
    }
}
