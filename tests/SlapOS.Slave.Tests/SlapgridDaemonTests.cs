using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Daemon;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Tests;

public sealed class SlapgridDaemonTests : IDisposable
{
    private readonly NodeFixture _node = new();
    private readonly INodeAgent _agent = Substitute.For<INodeAgent>();

    public SlapgridDaemonTests()
    {
        _agent.FormatAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(Result(NodeExitCode.Ok));
    }

    public void Dispose() => _node.Dispose();

    private SlapgridDaemon Daemon(TimeProvider time) => new(
        _agent,
        _node.Master,
        _node.Services.GetRequiredService<CrashBangWatcher>(),
        Options.Create(new SlapOSSlaveOptions
        {
            ComputerReference = NodeFixture.Computer,
            MasterUrl = "http://127.0.0.1:1",
            SoftwareInterval = TimeSpan.FromHours(1),
            InstanceInterval = TimeSpan.FromHours(1),
            ReportInterval = TimeSpan.FromHours(1),
        }),
        time,
        NullLogger<SlapgridDaemon>.Instance);

    private static NodeRunResult Result(NodeExitCode code) => new(code, []) { NewestTimestamp = NodeFixture.Timestamp(1000) };

    [Fact]
    public async Task A_change_signalled_by_the_master_runs_software_and_instance_at_once()
    {
        var secondInstanceRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var instanceRuns = 0;
        _agent.SoftwareAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(Result(NodeExitCode.Ok));
        _agent.ReportAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(Result(NodeExitCode.Ok));
        _agent.InstanceAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (Interlocked.Increment(ref instanceRuns) == 2)
            {
                secondInstanceRun.TrySetResult();
            }

            return Result(NodeExitCode.Ok);
        });
        var waits = 0;
        _node.Master.WaitForChangeAsync(NodeFixture.Computer, Arg.Any<InstanceTimestamp?>(), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                if (Interlocked.Increment(ref waits) == 1)
                {
                    return true;
                }

                await Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>());
                return false;
            });
        var daemon = Daemon(TimeProvider.System);

        await daemon.StartAsync(CancellationToken.None);
        await secondInstanceRun.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await daemon.StopAsync(CancellationToken.None);

        await _agent.Received(2).InstanceAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>());
        await _agent.Received(2).SoftwareAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>());
        await _agent.Received(1).ReportAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>());
        await _agent.Received(1).FormatAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>());
        await _node.Master.Received().WaitForChangeAsync(NodeFixture.Computer, NodeFixture.Timestamp(1000),
            Arg.Is<TimeSpan>(t => t > TimeSpan.Zero && t <= TimeSpan.FromHours(1)), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Offline_runs_back_off_without_waiting_on_the_master_then_retry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var softwareRuns = 0;
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _agent.SoftwareAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (Interlocked.Increment(ref softwareRuns) == 2)
            {
                retried.TrySetResult();
            }

            return Result(NodeExitCode.Offline);
        });
        _agent.InstanceAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(Result(NodeExitCode.Offline));
        _agent.ReportAsync(Arg.Any<IProgress<NodeProgress>?>(), Arg.Any<CancellationToken>()).Returns(Result(NodeExitCode.Offline));
        var daemon = Daemon(time);

        await daemon.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3000 && !retried.Task.IsCompleted; i++)
        {
            // Only fake time moves the backoff forward: one second per step.
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        await daemon.StopAsync(CancellationToken.None);

        Assert.True(retried.Task.IsCompleted);
        Assert.True(time.GetUtcNow() - DateTimeOffset.UnixEpoch >= TimeSpan.FromSeconds(5));
        await _node.Master.DidNotReceiveWithAnyArgs().WaitForChangeAsync(default!, default, default, default);
    }

    [Fact]
    public void Offline_backoff_doubles_from_five_seconds_up_to_the_maximum()
    {
        var maximum = TimeSpan.FromMinutes(5);
        Assert.Equal(
            [5, 10, 20, 40, 80, 160, 300, 300],
            Enumerable.Range(1, 8).Select(n => SlapgridDaemon.Backoff(n, maximum).TotalSeconds));
        Assert.Equal(maximum, SlapgridDaemon.Backoff(1000, maximum));
    }

    [Fact]
    public async Task A_disabled_daemon_runs_nothing()
    {
        var daemon = new SlapgridDaemon(
            _agent,
            _node.Master,
            _node.Services.GetRequiredService<CrashBangWatcher>(),
            Options.Create(new SlapOSSlaveOptions { RunDaemon = false }),
            TimeProvider.System,
            NullLogger<SlapgridDaemon>.Instance);

        await daemon.StartAsync(CancellationToken.None);
        await (daemon.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(30));
        await daemon.StopAsync(CancellationToken.None);

        Assert.Empty(_agent.ReceivedCalls());
        Assert.Empty(_node.Supervisor.ReceivedCalls());
    }

    [Fact]
    public async Task A_master_client_without_change_signal_waits_for_the_timeout_and_answers_false()
    {
        ISlapMasterClient client = new SilentMasterClient();

        var changed = await client.WaitForChangeAsync(NodeFixture.Computer, null, TimeSpan.FromMilliseconds(10), CancellationToken.None);

        Assert.False(changed);
    }

    private sealed class SilentMasterClient : ISlapMasterClient
    {
        public Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task ReportFormatAsync(ComputerFormat format, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task SetConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task BangAsync(string computerReference, string partitionReference, string message, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task<SoftwareInstance> RequestInstanceAsync(InstanceRequest request, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task ReportUsageAsync(UsageReport report, CancellationToken cancellationToken) => throw new InvalidOperationException();
    }
}
