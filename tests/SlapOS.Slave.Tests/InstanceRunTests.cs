using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Tests;

public sealed class InstanceRunTests : IDisposable
{
    private readonly NodeFixture _node = new();

    public InstanceRunTests() => _node.MarkInstalled();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Unchanged_timestamp_skips_the_partition()
    {
        var timestamp = NodeFixture.Timestamp(1000);
        _node.AddInstance("slappart0", timestamp);
        _node.WriteTimestamp("slappart0", timestamp);

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Assert.Equal(NodeItemStatus.Skipped, Assert.Single(result.Outcomes).Status);
        await _node.Installer.DidNotReceiveWithAnyArgs().DeployInstanceAsync(default!, default);
        await _node.Master.DidNotReceiveWithAnyArgs().ReportInstanceStateAsync(default!, default!, default, default, default);
    }

    [Fact]
    public async Task Changed_timestamp_deploys_and_records_the_new_timestamp()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(2000));
        _node.WriteTimestamp("slappart0", NodeFixture.Timestamp(1000));

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        await _node.Installer.Received(1).DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>());
        Assert.Equal(NodeFixture.Timestamp(2000).ToString(), _node.ReadTimestampFile("slappart0"));
        Assert.Equal(NodeFixture.Timestamp(2000), result.NewestTimestamp);
    }

    [Fact]
    public async Task Unchanged_partition_is_reprocessed_once_the_maximum_periodicity_passed()
    {
        var timestamp = NodeFixture.Timestamp(1000);
        _node.AddInstance("slappart0", timestamp);
        _node.WriteTimestamp("slappart0", timestamp);

        _node.Time.Advance(TimeSpan.FromHours(23));
        await _node.Agent.InstanceAsync();
        await _node.Installer.DidNotReceiveWithAnyArgs().DeployInstanceAsync(default!, default);

        _node.Time.Advance(TimeSpan.FromHours(2));
        await _node.Agent.InstanceAsync();
        await _node.Installer.Received(1).DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Started_instance_is_deployed_supervised_started_then_reported()
    {
        var path = _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.WriteScript("slappart0", "etc/service/web", "exec sleep 100");
        _node.WriteScript("slappart0", "etc/run/cron", "exec sleep 100");
        File.WriteAllText(Path.Combine(path, "etc/service/notes.txt"), "not executable");

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Received.InOrder(() =>
        {
            _node.Installer.DeployInstanceAsync(
                Arg.Is<InstanceDeployment>(d => d.PartitionPath == path
                    && d.SoftwarePath == _node.SoftwarePath(NodeFixture.ReleaseUrl)
                    && d.MasterUrl == "http://127.0.0.1:1"
                    && d.Instance.PartitionReference == "slappart0"
                    && d.User == null),
                Arg.Any<CancellationToken>());
            _node.Supervisor.UpdateGroupAsync(
                "slappart0",
                Arg.Is<IReadOnlyList<ProgramDefinition>>(p => p.Count == 2
                    && p.Any(x => x.Name == "web" && x.Watched && x.Command == Path.Combine(path, "etc/service/web") && x.WorkingDirectory == path)
                    && p.Any(x => x.Name == "cron" && !x.Watched)),
                Arg.Any<CancellationToken>());
            _node.Supervisor.StartGroupAsync("slappart0", Arg.Any<CancellationToken>());
            _node.Master.ReportInstanceStateAsync(NodeFixture.Computer, "slappart0", ReportedState.Started, null, Arg.Any<CancellationToken>());
        });
        await _node.Supervisor.DidNotReceiveWithAnyArgs().StopGroupAsync(default!, default);
    }

    [Fact]
    public async Task Stopped_instance_is_deployed_then_stopped_and_reported_stopped()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000), RequestedState.Stopped);
        _node.WriteScript("slappart0", "etc/promise/fails", "exit 1");

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Received.InOrder(() =>
        {
            _node.Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>());
            _node.Supervisor.UpdateGroupAsync("slappart0", Arg.Any<IReadOnlyList<ProgramDefinition>>(), Arg.Any<CancellationToken>());
            _node.Supervisor.StopGroupAsync("slappart0", Arg.Any<CancellationToken>());
            _node.Master.ReportInstanceStateAsync(NodeFixture.Computer, "slappart0", ReportedState.Stopped, null, Arg.Any<CancellationToken>());
        });
        await _node.Supervisor.DidNotReceiveWithAnyArgs().StartGroupAsync(default!, default);
    }

    [Fact]
    public async Task Destroy_requested_partition_is_stopped_but_not_redeployed()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        _node.Supervisor.GetStatusAsync("slappart0", Arg.Any<CancellationToken>())
            .Returns([new ProgramStatus("slappart0", "web", ProgramState.Running, 4242, null, null)]);

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        await _node.Supervisor.Received(1).StopGroupAsync("slappart0", Arg.Any<CancellationToken>());
        await _node.Installer.DidNotReceiveWithAnyArgs().DeployInstanceAsync(default!, default);
    }

    [Fact]
    public async Task Failing_promise_gives_exit_code_2_an_error_report_and_no_timestamp()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.WriteScript("slappart0", "etc/promise/port-listening", "echo 'port 8080 is closed'; exit 1");

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.PromiseFailure, result.ExitCode);
        Assert.Equal(NodeItemStatus.PromiseFailed, Assert.Single(result.Outcomes).Status);
        await _node.Master.Received(1).ReportInstanceStateAsync(
            NodeFixture.Computer, "slappart0", ReportedState.Error,
            Arg.Is<string>(m => m.Contains("port-listening", StringComparison.Ordinal) && m.Contains("port 8080 is closed", StringComparison.Ordinal)),
            Arg.Any<CancellationToken>());
        await _node.Master.DidNotReceive().ReportInstanceStateAsync(NodeFixture.Computer, "slappart0", ReportedState.Started, Arg.Any<string?>(), Arg.Any<CancellationToken>());
        Assert.Null(_node.ReadTimestampFile("slappart0"));
        var status = File.ReadAllText(Path.Combine(_node.PartitionPath("slappart0"), ".slapgrid/promise/port-listening.status.json"));
        Assert.Contains("\"success\": false", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passing_promise_writes_its_json_result()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.WriteScript("slappart0", "etc/promise/check", "echo healthy");

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_node.PartitionPath("slappart0"), ".slapgrid/promise/check.status.json")));
        Assert.True(json.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal("healthy", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_failing_partition_does_not_stop_the_next_one()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.AddInstance("slappart1", NodeFixture.Timestamp(1000));
        _node.Installer.DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.Instance.PartitionReference == "slappart0"), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SoftwareInstallerException("buildout failed", "While:\n  Installing apache.\nError: port busy"));

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Failure, result.ExitCode);
        Assert.Equal([NodeItemStatus.Failed, NodeItemStatus.Done], result.Outcomes.Select(o => o.Status));
        await _node.Master.Received(1).ReportInstanceStateAsync(
            NodeFixture.Computer, "slappart0", ReportedState.Error,
            Arg.Is<string>(m => m.Contains("Error: port busy", StringComparison.Ordinal)), Arg.Any<CancellationToken>());
        await _node.Master.Received(1).ReportInstanceStateAsync(NodeFixture.Computer, "slappart1", ReportedState.Started, null, Arg.Any<CancellationToken>());
        Assert.Null(_node.ReadTimestampFile("slappart0"));
        Assert.NotNull(_node.ReadTimestampFile("slappart1"));
    }

    [Fact]
    public async Task Failing_deploy_keeps_the_old_timestamp_and_success_leaves_no_temporary_file()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(2000));
        _node.WriteTimestamp("slappart0", NodeFixture.Timestamp(1000));
        _node.Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SoftwareInstallerException("failed", "tail"));

        var failed = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Failure, failed.ExitCode);
        Assert.Equal(NodeFixture.Timestamp(1000).ToString(), _node.ReadTimestampFile("slappart0"));

        _node.Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>())
            .Returns(InstanceDeploymentResult.Empty);
        var succeeded = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, succeeded.ExitCode);
        Assert.Equal(NodeFixture.Timestamp(2000).ToString(), _node.ReadTimestampFile("slappart0"));
        Assert.Equal([".timestamp"], Directory.GetFiles(_node.PartitionPath("slappart0"), ".timestamp*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Partition_whose_release_is_not_installed_yet_is_left_alone_and_nothing_is_reported()
    {
        _node.Partitions.Add(NodeFixture.Instance("slappart0", NodeFixture.Timestamp(1000)) with { SoftwareReleaseUrl = "https://example.invalid/other/software.cfg" });
        _node.CreatePartition("slappart0");

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Assert.Equal(NodeItemStatus.NotReady, Assert.Single(result.Outcomes).Status);
        await _node.Installer.DidNotReceiveWithAnyArgs().DeployInstanceAsync(default!, default);
        await _node.Master.DidNotReceiveWithAnyArgs().ReportInstanceStateAsync(default!, default!, default, default, default);
    }

    [Fact]
    public async Task Free_partitions_are_skipped()
    {
        _node.Partitions.Add(new PartitionInstance { ComputerReference = NodeFixture.Computer, PartitionReference = "slappart3" });

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeItemStatus.Skipped, Assert.Single(result.Outcomes).Status);
        Assert.Empty(_node.Supervisor.ReceivedCalls());
    }

    [Fact]
    public async Task Connection_parameters_are_published_only_when_they_changed()
    {
        _node.Partitions.Add(NodeFixture.Instance("slappart0", NodeFixture.Timestamp(1000)) with
        {
            ConnectionParameters = new Dictionary<string, string> { ["url"] = "http://old" },
        });
        _node.Partitions.Add(NodeFixture.Instance("slappart1", NodeFixture.Timestamp(1000)) with
        {
            ConnectionParameters = new Dictionary<string, string> { ["url"] = "http://same" },
        });
        _node.CreatePartition("slappart0");
        _node.CreatePartition("slappart1");
        var shared = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["SHARED-1"] = new Dictionary<string, string> { ["site"] = "a" } };
        _node.Installer.DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.Instance.PartitionReference == "slappart0"), Arg.Any<CancellationToken>())
            .Returns(new InstanceDeploymentResult(new Dictionary<string, string> { ["url"] = "http://new" }, shared));
        _node.Installer.DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.Instance.PartitionReference == "slappart1"), Arg.Any<CancellationToken>())
            .Returns(new InstanceDeploymentResult(new Dictionary<string, string> { ["url"] = "http://same" }, new Dictionary<string, IReadOnlyDictionary<string, string>>()));

        await _node.Agent.InstanceAsync();
        _node.Time.Advance(TimeSpan.FromDays(2));
        await _node.Agent.InstanceAsync();

        await _node.Master.Received(2).SetConnectionParametersAsync(NodeFixture.Computer, "slappart0",
            Arg.Is<IReadOnlyDictionary<string, string>>(p => p["url"] == "http://new"), null, Arg.Any<CancellationToken>());
        await _node.Master.Received(1).SetConnectionParametersAsync(NodeFixture.Computer, "slappart0",
            Arg.Is<IReadOnlyDictionary<string, string>>(p => p["site"] == "a"), "SHARED-1", Arg.Any<CancellationToken>());
        await _node.Master.DidNotReceive().SetConnectionParametersAsync(NodeFixture.Computer, "slappart1",
            Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<string?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Unreachable_master_gives_exit_code_3_and_leaves_services_alone()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.Master.GetComputerDocumentAsync(NodeFixture.Computer, Arg.Any<CancellationToken>())
            .ThrowsAsync(new MasterUnreachableException("connection refused"));

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Offline, result.ExitCode);
        Assert.Contains("connection refused", result.Message, StringComparison.Ordinal);
        Assert.Empty(_node.Supervisor.ReceivedCalls());
        Assert.Empty(_node.Installer.ReceivedCalls());
    }

    [Fact]
    public async Task Partitions_run_as_their_user_when_configured()
    {
        using var node = new NodeFixture(new Dictionary<string, string?> { ["SlapOS:Slave:RunAsPartitionUser"] = "true" });
        node.MarkInstalled();
        node.AddInstance("slappart7", NodeFixture.Timestamp(1000), RequestedState.Stopped);
        node.WriteScript("slappart7", "etc/service/web", "exec sleep 100");

        await node.Agent.InstanceAsync();

        await node.Installer.Received(1).DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.User == "slapuser7"), Arg.Any<CancellationToken>());
        await node.Supervisor.Received(1).UpdateGroupAsync("slappart7",
            Arg.Is<IReadOnlyList<ProgramDefinition>>(p => p.Single().User == "slapuser7"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_run_interrupted_during_deployment_leaves_no_timestamp_and_the_next_run_converges()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(2000));
        _node.WriteTimestamp("slappart0", NodeFixture.Timestamp(1000));
        using var interrupt = new CancellationTokenSource();
        _node.Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                await interrupt.CancelAsync();
                call.Arg<CancellationToken>().ThrowIfCancellationRequested();
                return InstanceDeploymentResult.Empty;
            });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _node.Agent.InstanceAsync(null, interrupt.Token));

        Assert.Equal(NodeFixture.Timestamp(1000).ToString(), _node.ReadTimestampFile("slappart0"));
        await _node.Master.DidNotReceiveWithAnyArgs().ReportInstanceStateAsync(default!, default!, default, default, default);

        _node.Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>())
            .Returns(InstanceDeploymentResult.Empty);
        var rerun = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeExitCode.Ok, rerun.ExitCode);
        Assert.Equal(NodeFixture.Timestamp(2000).ToString(), _node.ReadTimestampFile("slappart0"));
        await _node.Supervisor.Received(1).UpdateGroupAsync("slappart0", Arg.Any<IReadOnlyList<ProgramDefinition>>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_newer_shared_instance_makes_its_host_redeploy()
    {
        var shared = new SharedInstanceEntry("SHARED-1", "site", "default", new Dictionary<string, string>(), NodeFixture.Timestamp(3000));
        _node.Partitions.Add(NodeFixture.Instance("slappart0", NodeFixture.Timestamp(1000)) with { SharedInstances = [shared] });
        _node.CreatePartition("slappart0");
        _node.WriteTimestamp("slappart0", NodeFixture.Timestamp(1000));

        var result = await _node.Agent.InstanceAsync();

        Assert.Equal(NodeItemStatus.Done, Assert.Single(result.Outcomes).Status);
        Assert.Equal(NodeFixture.Timestamp(3000).ToString(), _node.ReadTimestampFile("slappart0"));
        Assert.Equal(NodeFixture.Timestamp(3000), result.NewestTimestamp);
        Assert.Equal(NodeItemStatus.Skipped, Assert.Single((await _node.Agent.InstanceAsync()).Outcomes).Status);
    }
}

