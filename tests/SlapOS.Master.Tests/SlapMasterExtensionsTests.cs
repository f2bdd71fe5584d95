using NSubstitute;

namespace SlapOS.Master.Tests;

/// <summary>The computer-wide bang, written once for the XML and the JSON API.</summary>
public sealed class SlapMasterExtensionsTests
{
    [Fact]
    public async Task A_computer_bang_bangs_each_allocated_instance_of_that_computer_with_the_message()
    {
        var master = Substitute.For<ISlapMaster>();
        master.ListInstancesAsync(Arg.Any<InstanceQuery>(), Arg.Any<CancellationToken>()).Returns(Instances("slappart0", "slappart3"));

        await master.BangComputerAsync("COMP-1", "node restarted", CancellationToken.None);

        master.Received(1).ListInstancesAsync(Arg.Is<InstanceQuery>(q => q.ComputerReference == "COMP-1" && q.Shared == false), Arg.Any<CancellationToken>());
        await master.Received(1).BangAsync("COMP-1", "slappart0", "node restarted", Arg.Any<CancellationToken>());
        await master.Received(1).BangAsync("COMP-1", "slappart3", "node restarted", Arg.Any<CancellationToken>());
        await master.Received(2).BangAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string?>(), Arg.Any<CancellationToken>());
    }

    private static async IAsyncEnumerable<SoftwareInstance> Instances(params string[] partitions)
    {
        foreach (var partition in partitions)
        {
            await Task.Yield();
            yield return new SoftwareInstance
            {
                Reference = "SOFTINST-" + partition,
                Title = partition,
                RequesterReference = "root",
                RootReference = "SOFTINST-" + partition,
                SoftwareReleaseUrl = "https://lab.example/software.cfg",
                ComputerReference = "COMP-1",
                PartitionReference = partition,
            };
        }
    }
}
