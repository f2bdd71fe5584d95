using System.Diagnostics;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Tests;

public sealed class ReportRunTests : IDisposable
{
    private readonly NodeFixture _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Usage_of_a_real_process_tree_and_of_the_partition_disk_is_reported_to_the_master_and_the_sinks()
    {
        var path = _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        File.WriteAllBytes(Path.Combine(path, "data.bin"), new byte[12_345]);
        Directory.CreateDirectory(Path.Combine(path, "var"));
        File.WriteAllBytes(Path.Combine(path, "var", "log.txt"), new byte[655]);

        // A shell running a busy child: the program's pid is the shell, the CPU is burnt by its child.
        using var program = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sh -c 'while :; do :; done' & wait"]) { UseShellExecute = false })!;
        try
        {
            _node.Supervisor.GetStatusAsync("slappart0", Arg.Any<CancellationToken>())
                .Returns([new ProgramStatus("slappart0", "web", ProgramState.Running, program.Id, DateTimeOffset.UnixEpoch, null)]);
            var reports = new List<UsageReport>();
            await _node.Master.ReportUsageAsync(Arg.Do<UsageReport>(reports.Add), Arg.Any<CancellationToken>());

            // Wait until the child has been scheduled for at least one clock tick (a condition, not a duration).
            UsageRecord record;
            var attempts = 0;
            do
            {
                Assert.Equal(NodeExitCode.Ok, (await _node.Agent.ReportAsync()).ExitCode);
                record = Assert.Single(reports[^1].Records);
                if (record.CpuSeconds > 0 && record.ProcessCount >= 2)
                {
                    break;
                }

                await Task.Delay(50);
            }
            while (++attempts < 400);

            Assert.Equal(NodeFixture.Computer, reports[^1].ComputerReference);
            Assert.Equal("slappart0", record.PartitionReference);
            Assert.Equal("SOFTINST-slappart0", record.InstanceReference);
            Assert.True(record.CpuSeconds > 0, $"cpu {record.CpuSeconds}");
            Assert.True(record.MemoryBytes > 0, $"memory {record.MemoryBytes}");
            Assert.True(record.ProcessCount >= 2, $"processes {record.ProcessCount}");
            Assert.Equal(12_345 + 655, record.DiskBytes);
            await _node.Sink.Received().RecordAsync(reports[^1], Arg.Any<CancellationToken>());
        }
        finally
        {
            program.Kill(entireProcessTree: true);
            await program.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Partition_without_processes_reports_zero_processes()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        UsageReport? sent = null;
        await _node.Sink.RecordAsync(Arg.Do<UsageReport>(r => sent = r), Arg.Any<CancellationToken>());

        await _node.Agent.ReportAsync();

        var record = Assert.Single(sent!.Records);
        Assert.Equal(0, record.ProcessCount);
        Assert.Equal(0, record.CpuSeconds);
    }

    [Fact]
    public async Task Report_scripts_run_in_the_partition()
    {
        var path = _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.WriteScript("slappart0", "etc/report/collect", "echo collected > report-ran");

        await _node.Agent.ReportAsync();

        Assert.Equal("collected", File.ReadAllText(Path.Combine(path, "report-ran")).Trim());
    }

    [Fact]
    public async Task Destroyed_partition_is_stopped_removed_wiped_and_reported_destroyed()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.AddInstance("slappart1", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        _node.WriteTimestamp("slappart1", NodeFixture.Timestamp(1000));

        var result = await _node.Agent.ReportAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Received.InOrder(() =>
        {
            _node.Supervisor.StopGroupAsync("slappart1", Arg.Any<CancellationToken>());
            _node.Supervisor.RemoveGroupAsync("slappart1", Arg.Any<CancellationToken>());
            _node.Formatter.WipeAsync(
                Arg.Is<PartitionLayout>(l => l.InstanceRoot == _node.InstanceRoot && l.BusyPartitions.Contains("slappart0") && !l.BusyPartitions.Contains("slappart1")),
                "slappart1",
                Arg.Any<CancellationToken>());
            _node.Master.ReportInstanceStateAsync(NodeFixture.Computer, "slappart1", ReportedState.Destroyed, null, Arg.Any<CancellationToken>());
        });
        Assert.Null(_node.ReadTimestampFile("slappart1"));
        await _node.Supervisor.DidNotReceive().StopGroupAsync("slappart0", Arg.Any<CancellationToken>());
        await _node.Formatter.DidNotReceive().WipeAsync(Arg.Any<PartitionLayout>(), "slappart0", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failing_wipe_is_not_reported_destroyed_and_fails_the_run()
    {
        _node.AddInstance("slappart1", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        _node.Formatter.WipeAsync(Arg.Any<PartitionLayout>(), "slappart1", Arg.Any<CancellationToken>())
            .ThrowsAsync(new IOException("device busy"));

        var result = await _node.Agent.ReportAsync();

        Assert.Equal(NodeExitCode.Failure, result.ExitCode);
        await _node.Master.DidNotReceive().ReportInstanceStateAsync(NodeFixture.Computer, "slappart1", ReportedState.Destroyed, Arg.Any<string?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Usage_reaches_the_sinks_even_when_the_master_is_unreachable()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(1000));
        _node.Master.ReportUsageAsync(Arg.Any<UsageReport>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new MasterUnreachableException("timeout"));

        var result = await _node.Agent.ReportAsync();

        Assert.Equal(NodeExitCode.Offline, result.ExitCode);
        await _node.Sink.Received(1).RecordAsync(Arg.Is<UsageReport>(r => r.Records.Single().PartitionReference == "slappart0"), Arg.Any<CancellationToken>());
    }
}
