using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Tests;

public sealed class CrashBangTests : IDisposable
{
    private readonly NodeFixture _node = new();

    public void Dispose() => _node.Dispose();

    private static ProgramCrash Crash(string partition) => new(partition, "web", 1, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_crashing_service_bangs_its_partition_once_per_deployment()
    {
        _node.MarkInstalled();
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        var watcher = _node.Services.GetRequiredService<CrashBangWatcher>();
        await _node.Agent.InstanceAsync();

        await watcher.OnCrashAsync(Crash("slappart0"), CancellationToken.None);
        await watcher.OnCrashAsync(Crash("slappart0"), CancellationToken.None);
        await _node.Master.Received(1).BangAsync(NodeFixture.Computer, "slappart0", Arg.Is<string>(m => m.Contains("web", StringComparison.Ordinal)), Arg.Any<CancellationToken>());

        // The bang's reprocessing is a new deployment: the next crash bangs again.
        _node.Partitions[0] = NodeFixture.Instance("slappart0", NodeFixture.Timestamp(2000));
        await _node.Agent.InstanceAsync();
        await watcher.OnCrashAsync(Crash("slappart0"), CancellationToken.None);
        await watcher.OnCrashAsync(Crash("slappart0"), CancellationToken.None);

        await _node.Master.Received(2).BangAsync(NodeFixture.Computer, "slappart0", Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_watcher_consumes_the_supervisor_crash_stream()
    {
        var banged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _node.Supervisor.WatchCrashesAsync(Arg.Any<CancellationToken>()).Returns(c => Crashes(c.Arg<CancellationToken>()));
        _node.Master.BangAsync(NodeFixture.Computer, "slappart1", Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(Task.CompletedTask)
            .AndDoes(_ => banged.TrySetResult());
        using var stop = new CancellationTokenSource();
        var watcher = _node.Services.GetRequiredService<CrashBangWatcher>();

        var running = watcher.RunAsync(stop.Token);
        await banged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        await _node.Master.Received(1).BangAsync(NodeFixture.Computer, "slappart1", Arg.Any<string>(), Arg.Any<CancellationToken>());
        await _node.Master.DidNotReceive().BangAsync(NodeFixture.Computer, "slappart2", Arg.Any<string>(), Arg.Any<CancellationToken>());
    }

    private static async IAsyncEnumerable<ProgramCrash> Crashes([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Crash("slappart1");
        yield return Crash("slappart1");
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield return Crash("slappart2");
    }
}
