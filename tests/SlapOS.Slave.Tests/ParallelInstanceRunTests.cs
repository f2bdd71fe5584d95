using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Tests;

public sealed class ParallelInstanceRunTests : IDisposable
{
    private readonly NodeFixture _node = new(new Dictionary<string, string?> { ["SlapOS:Slave:InstanceParallelism"] = "4" });

    public ParallelInstanceRunTests() => _node.MarkInstalled();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Partitions_processed_side_by_side_keep_their_outcomes_in_document_order()
    {
        for (var i = 0; i < 8; i++)
        {
            _node.AddInstance($"slappart{i}", NodeFixture.Timestamp(1000));
        }

        _node.Installer.DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.Instance.PartitionReference == "slappart3"), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SoftwareInstallerException("failed", "tail"));

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Failure, result.ExitCode);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"slappart{i}"), result.Outcomes.Select(o => o.Item));
        Assert.Equal(NodeItemStatus.Failed, result.Outcomes[3].Status);
        Assert.Equal(7, result.Outcomes.Count(o => o.Status == NodeItemStatus.Done));
        await _node.Master.Received(7).ReportInstanceStateAsync(NodeFixture.Computer, Arg.Any<string>(), ReportedState.Started, Arg.Is<string?>(m => m == null), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Master_going_away_during_a_parallel_run_gives_exit_code_3()
    {
        for (var i = 0; i < 8; i++)
        {
            _node.AddInstance($"slappart{i}", NodeFixture.Timestamp(1000));
        }

        _node.Master.ReportInstanceStateAsync(NodeFixture.Computer, "slappart2", Arg.Any<ReportedState>(), Arg.Any<string?>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new MasterUnreachableException("gone"));

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Offline, result.ExitCode);
        Assert.Null(_node.ReadTimestampFile("slappart2"));
    }
}
