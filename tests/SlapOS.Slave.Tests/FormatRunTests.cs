using NSubstitute;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Tests;

public sealed class FormatRunTests : IDisposable
{
    private readonly NodeFixture _node = new(new Dictionary<string, string?>
    {
        ["SlapOS:Slave:PartitionAmount"] = "3",
        ["SlapOS:Slave:ComputerAddress"] = "127.0.0.1",
        ["SlapOS:Slave:ComputerNetmask"] = "255.0.0.0",
    });

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Format_keeps_busy_partitions_and_uploads_what_the_formatter_returned()
    {
        _node.Partitions.Add(NodeFixture.Instance("slappart5", NodeFixture.Timestamp(1000)));
        _node.Partitions.Add(new PartitionInstance { ComputerReference = NodeFixture.Computer, PartitionReference = "slappart0" });
        IReadOnlyList<ComputerPartition> formatted =
        [
            new ComputerPartition { ComputerReference = NodeFixture.Computer, Reference = "slappart0" },
            new ComputerPartition { ComputerReference = NodeFixture.Computer, Reference = "slappart5", State = PartitionState.Busy },
        ];
        _node.Formatter.FormatAsync(Arg.Any<PartitionLayout>(), Arg.Any<CancellationToken>()).Returns(formatted);

        var result = await _node.Agent.FormatAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Assert.Equal(["slappart0", "slappart5"], result.Outcomes.Select(o => o.Item));
        await _node.Formatter.Received(1).FormatAsync(
            Arg.Is<PartitionLayout>(l => l.PartitionAmount == 3 && l.ComputerReference == NodeFixture.Computer
                && l.BusyPartitions.SetEquals(new[] { "slappart5" }) && l.InstanceRoot == _node.InstanceRoot),
            Arg.Any<CancellationToken>());
        await _node.Master.Received(1).ReportFormatAsync(
            Arg.Is<ComputerFormat>(f => f.ComputerReference == NodeFixture.Computer && f.Address == "127.0.0.1" && f.Netmask == "255.0.0.0" && f.Partitions == formatted),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_computer_new_to_the_master_is_formatted_keeping_partitions_deployed_here()
    {
        _node.Master.GetComputerDocumentAsync(NodeFixture.Computer, Arg.Any<CancellationToken>())
            .Returns<ComputerDocument>(_ => throw new SlapNotFoundException("computer", NodeFixture.Computer));
        _node.CreatePartition("slappart9");
        _node.WriteTimestamp("slappart9", NodeFixture.Timestamp(1000));
        _node.CreatePartition("slappart1");
        _node.Formatter.FormatAsync(Arg.Any<PartitionLayout>(), Arg.Any<CancellationToken>()).Returns(Array.Empty<ComputerPartition>());

        var result = await _node.Agent.FormatAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        await _node.Formatter.Received(1).FormatAsync(
            Arg.Is<PartitionLayout>(l => l.BusyPartitions.SetEquals(new[] { "slappart9" })),
            Arg.Any<CancellationToken>());
        await _node.Master.Received(1).ReportFormatAsync(Arg.Any<ComputerFormat>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Format_with_the_master_unreachable_changes_nothing()
    {
        _node.Master.GetComputerDocumentAsync(NodeFixture.Computer, Arg.Any<CancellationToken>())
            .Returns<ComputerDocument>(_ => throw new MasterUnreachableException("down"));

        var result = await _node.Agent.FormatAsync();

        Assert.Equal(NodeExitCode.Offline, result.ExitCode);
        Assert.Empty(_node.Formatter.ReceivedCalls());
    }
}

