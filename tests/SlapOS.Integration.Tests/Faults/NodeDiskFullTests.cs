using SlapOS.Integration.Tests.Node;
using SlapOS.Master;
using SlapOS.Slave.Agent;

namespace SlapOS.Integration.Tests.Faults;

/// <summary>
/// The node's instance root on a small tmpfs that is filled to the last byte: deploying a new instance there fails,
/// the node reports that partition in error with the reason (read back on the master), does not crash, and leaves the
/// instance already running alone; once space is freed, the next run converges. The fault is proven: the file system
/// refused the filler with ENOSPC, and the reason the master shows is the same.
/// </summary>
public sealed class NodeDiskFullTests
{
    [Fact]
    public async Task A_full_instance_root_puts_the_new_partition_in_error_on_the_master_and_the_next_run_converges_once_freed()
    {
        using var disk = TmpfsMount.Create("disk18-node-full-", megabytes: 16);
        await using var cloud = await LoopbackCloud.StartAsync(
            "COMP-DISKFULL",
            node => node.UseNativeBuildout(),
            partitions: 2,
            nodeSettings: new Dictionary<string, string?> { ["InstanceRoot"] = disk.Path });
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.FormatAsync()).ExitCode);
        await cloud.Slap.SupplyAsync(cloud.Computer, LoopbackCloud.HelloWeb, SupplyState.Available, default);
        Assert.Equal(NodeExitCode.Ok, (await cloud.Agent.SoftwareAsync()).ExitCode);

        // One instance runs before the disk fills.
        var running = Request("disk-running");
        await cloud.Slap.RequestAsync(running, default);
        var first = await cloud.Agent.InstanceAsync();
        Assert.True(first.ExitCode == NodeExitCode.Ok, first.Message ?? string.Join("; ", first.Outcomes));
        var runningUrl = (await cloud.Slap.RequestAsync(running, default)).ConnectionParameters["url"];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("Hello disk-running", (await http.GetStringAsync(runningUrl)).Trim());

        var enospc = disk.Fill();
        Assert.Equal(28, enospc.HResult); // ENOSPC
        Assert.Equal(0, disk.AvailableBytes);

        // A new instance cannot be deployed: reported in error with the reason, the node carries on.
        var blocked = Request("disk-blocked");
        var allocated = await cloud.Slap.RequestAsync(blocked, default);
        var full = await cloud.Agent.InstanceAsync();
        Assert.Equal(NodeExitCode.Failure, full.ExitCode);
        var outcome = Assert.Single(full.Outcomes, o => o.Item == allocated.PartitionReference);
        Assert.Equal(NodeItemStatus.Failed, outcome.Status);
        Assert.Contains("No space left on device", outcome.Message, StringComparison.Ordinal);
        var onMaster = await cloud.Slap.FindInstanceAsync(InstanceRequest.RootRequester, blocked.Title, default);
        Assert.NotNull(onMaster);
        Assert.Equal(ReportedState.Error, onMaster.ReportedState);
        Assert.Contains("No space left on device", onMaster.ErrorMessage, StringComparison.Ordinal);

        // The instance that was running still runs, and the node still answers its other commands.
        Assert.Equal("Hello disk-running", (await http.GetStringAsync(runningUrl)).Trim());

        // Space is back: the next run converges.
        disk.Free();
        var freed = await cloud.Agent.InstanceAsync();
        Assert.True(freed.ExitCode == NodeExitCode.Ok, freed.Message ?? string.Join("; ", freed.Outcomes));
        var converged = await cloud.Slap.RequestAsync(blocked, default);
        Assert.Equal(ReportedState.Started, converged.ReportedState);
        Assert.Equal("Hello disk-blocked", (await http.GetStringAsync(converged.ConnectionParameters["url"])).Trim());
        Assert.Equal("Hello disk-running", (await http.GetStringAsync(runningUrl)).Trim());
    }

    private static InstanceRequest Request(string title) => new()
    {
        Title = title,
        SoftwareReleaseUrl = LoopbackCloud.HelloWeb,
        State = RequestedState.Started,
        Parameters = new Dictionary<string, string> { ["name"] = title, ["port"] = LoopbackCloud.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };
}
