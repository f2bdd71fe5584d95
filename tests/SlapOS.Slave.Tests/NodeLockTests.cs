using NSubstitute;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Tests;

public sealed class NodeLockTests : IDisposable
{
    private readonly NodeFixture _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_second_run_is_refused_while_the_first_holds_the_lock()
    {
        _node.MarkInstalled();
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        var deploying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<InstanceDeploymentResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _node.Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                deploying.TrySetResult();
                return release.Task;
            });

        var first = _node.Agent.InstanceAsync();
        await deploying.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var second = await _node.Agent.ReportAsync();

        Assert.Equal(NodeExitCode.Failure, second.ExitCode);
        Assert.Contains("lock", second.Message, StringComparison.OrdinalIgnoreCase);
        await _node.Master.DidNotReceiveWithAnyArgs().ReportUsageAsync(default!, default);

        release.SetResult(InstanceDeploymentResult.Empty);
        Assert.Equal(NodeExitCode.Ok, (await first).ExitCode);

        // Released: the next run goes through.
        Assert.Equal(NodeExitCode.Ok, (await _node.Agent.InstanceAsync()).ExitCode);
        Assert.True(File.Exists(Path.Combine(_node.InstanceRoot, ".slapgrid.lock")));
    }

    [Fact]
    public async Task The_lock_is_an_flock_other_processes_see()
    {
        var path = Path.Combine(_node.InstanceRoot, ".slapgrid.lock");
        using (var held = SlapOS.Slave.Locking.NodeLock.TryAcquire(path))
        {
            Assert.NotNull(held);
            Assert.Null(SlapOS.Slave.Locking.NodeLock.TryAcquire(path));
            Assert.Equal(1, await FlockAsync(path));
        }

        Assert.Equal(0, await FlockAsync(path));
    }

    private static async Task<int> FlockAsync(string path)
    {
        using var flock = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock", ["--nonblock", "--exclusive", path, "true"]) { UseShellExecute = false })!;
        await flock.WaitForExitAsync();
        return flock.ExitCode;
    }
}
