namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>
/// What every <see cref="ISlapMasterClient"/> must do against a SlapOS-compatible master. Derive, say how to
/// reach the master (<see cref="CreateClient"/>) and how to prepare a fresh computer if the master needs it
/// (<see cref="PrepareComputerAsync"/>): the same expectations then hold for the XML and the JSON client,
/// against our master or any other.
/// </summary>
public abstract class MasterClientConformanceTests
{
    /// <summary>A release URL the master accepts.</summary>
    protected virtual string SoftwareReleaseUrl => "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    /// <summary>A client of the master under test, acting as the node <paramref name="computerReference"/>.</summary>
    protected abstract ISlapMasterClient CreateClient(string computerReference);

    /// <summary>Whatever the master needs before a node of that reference formats (registration, supply…).</summary>
    protected virtual Task PrepareComputerAsync(string computerReference) => Task.CompletedTask;

    [Fact]
    public async Task A_formatted_computer_has_no_instance_yet()
    {
        var (client, computer) = await FormattedComputerAsync(2);

        var document = await client.GetComputerDocumentAsync(computer, CancellationToken.None);

        Assert.Equal(computer, document.ComputerReference);
        Assert.All(document.Partitions, p => Assert.Null(p.SoftwareReleaseUrl));
    }

    [Fact]
    public async Task A_request_lands_on_the_named_computer_and_the_node_sees_it()
    {
        var (client, computer) = await FormattedComputerAsync(2);

        var instance = await client.RequestInstanceAsync(Request(computer, "root", ("name", "World")), CancellationToken.None);
        var document = await client.GetComputerDocumentAsync(computer, CancellationToken.None);

        Assert.Equal(computer, instance.ComputerReference);
        Assert.NotNull(instance.PartitionReference);
        Assert.Equal("World", instance.Parameters["name"]);
        var partition = Assert.Single(document.Partitions, p => p.SoftwareReleaseUrl is not null);
        Assert.Equal(instance.PartitionReference, partition.PartitionReference);
        Assert.Equal("root-" + computer, partition.Title);
        Assert.Equal(SoftwareReleaseUrl, partition.SoftwareReleaseUrl);
        Assert.Equal("World", partition.Parameters["name"]);
        Assert.Equal(RequestedState.Started, partition.RequestedState);
        Assert.NotNull(partition.Timestamp);
    }

    [Fact]
    public async Task The_same_request_twice_keeps_partition_and_timestamp()
    {
        var (client, computer) = await FormattedComputerAsync(2);

        var first = await client.RequestInstanceAsync(Request(computer, "same", ("a", "1")), CancellationToken.None);
        var before = await PartitionOfAsync(client, computer, "same");
        var second = await client.RequestInstanceAsync(Request(computer, "same", ("a", "1")), CancellationToken.None);
        var after = await PartitionOfAsync(client, computer, "same");

        Assert.Equal(first.Reference, second.Reference);
        Assert.Equal(first.PartitionReference, second.PartitionReference);
        Assert.Equal(before.Timestamp, after.Timestamp);
    }

    [Fact]
    public async Task Changed_parameters_keep_the_partition_and_bump_the_timestamp()
    {
        var (client, computer) = await FormattedComputerAsync(2);

        var first = await client.RequestInstanceAsync(Request(computer, "changing", ("a", "1")), CancellationToken.None);
        var before = await PartitionOfAsync(client, computer, "changing");
        var second = await client.RequestInstanceAsync(Request(computer, "changing", ("a", "2")), CancellationToken.None);
        var after = await PartitionOfAsync(client, computer, "changing");

        Assert.Equal(first.PartitionReference, second.PartitionReference);
        Assert.Equal("2", after.Parameters["a"]);
        Assert.True(after.Timestamp > before.Timestamp, $"timestamp {after.Timestamp} is not after {before.Timestamp}");
    }

    [Fact]
    public async Task Connection_parameters_published_by_the_node_reach_the_requester()
    {
        var (client, computer) = await FormattedComputerAsync(2);
        var instance = await client.RequestInstanceAsync(Request(computer, "publisher"), CancellationToken.None);

        await client.SetConnectionParametersAsync(computer, instance.PartitionReference!, new Dictionary<string, string> { ["url"] = "http://[2001:db8::1]:8080/?a=1&b=<2>" }, null, CancellationToken.None);
        var again = await client.RequestInstanceAsync(Request(computer, "publisher"), CancellationToken.None);

        Assert.Equal("http://[2001:db8::1]:8080/?a=1&b=<2>", again.ConnectionParameters["url"]);
    }

    [Fact]
    public async Task Bang_bumps_the_timestamp()
    {
        var (client, computer) = await FormattedComputerAsync(2);
        var instance = await client.RequestInstanceAsync(Request(computer, "banged"), CancellationToken.None);
        var before = await PartitionOfAsync(client, computer, "banged");

        await client.BangAsync(computer, instance.PartitionReference!, "reprocess", CancellationToken.None);
        var after = await PartitionOfAsync(client, computer, "banged");

        Assert.True(after.Timestamp > before.Timestamp, $"timestamp {after.Timestamp} is not after {before.Timestamp}");
    }

    [Fact]
    public async Task No_free_partition_is_a_NoCapacity_error()
    {
        var (client, computer) = await FormattedComputerAsync(1);
        await client.RequestInstanceAsync(Request(computer, "first"), CancellationToken.None);

        var error = await Assert.ThrowsAnyAsync<SlapException>(() => client.RequestInstanceAsync(Request(computer, "second"), CancellationToken.None));

        Assert.Equal(SlapErrorKind.NoCapacity, error.Kind);
    }

    [Fact]
    public async Task Reports_are_accepted()
    {
        var (client, computer) = await FormattedComputerAsync(1);
        var instance = await client.RequestInstanceAsync(Request(computer, "reported"), CancellationToken.None);
        var ct = CancellationToken.None;

        await client.ReportSoftwareInstallationAsync(computer, SoftwareReleaseUrl, SoftwareInstallationState.Building, null, ct);
        await client.ReportSoftwareInstallationAsync(computer, SoftwareReleaseUrl, SoftwareInstallationState.Error, "buildout failed", ct);
        await client.ReportSoftwareInstallationAsync(computer, SoftwareReleaseUrl, SoftwareInstallationState.Available, null, ct);
        await client.ReportInstanceStateAsync(computer, instance.PartitionReference!, ReportedState.Error, "promise failed", ct);
        await client.ReportInstanceStateAsync(computer, instance.PartitionReference!, ReportedState.Started, null, ct);
        var now = DateTimeOffset.UtcNow;
        await client.ReportUsageAsync(new UsageReport(computer, [new UsageRecord { ComputerReference = computer, PartitionReference = instance.PartitionReference!, Start = now.AddMinutes(-1), End = now, CpuSeconds = 1.5 }]), ct);

        var partition = await PartitionOfAsync(client, computer, "reported");
        Assert.Equal(instance.PartitionReference, partition.PartitionReference);
    }

    private InstanceRequest Request(string computer, string title, params (string Key, string Value)[] parameters) => new()
    {
        Title = title + "-" + computer,
        SoftwareReleaseUrl = SoftwareReleaseUrl,
        Parameters = parameters.ToDictionary(p => p.Key, p => p.Value),
        Sla = new Dictionary<string, string> { ["computer_guid"] = computer },
    };

    private static async Task<PartitionInstance> PartitionOfAsync(ISlapMasterClient client, string computer, string title)
    {
        var document = await client.GetComputerDocumentAsync(computer, CancellationToken.None);
        return Assert.Single(document.Partitions, p => p.Title == title + "-" + computer);
    }

    private async Task<(ISlapMasterClient Client, string Computer)> FormattedComputerAsync(int partitions)
    {
        var computer = "COMP-T" + Guid.NewGuid().ToString("N")[..10];
        await PrepareComputerAsync(computer);
        var client = CreateClient(computer);
        var format = new ComputerFormat(
            computer,
            "10.77.0.1",
            "255.255.255.0",
            Enumerable.Range(0, partitions).Select(i => new ComputerPartition
            {
                ComputerReference = computer,
                Reference = "slappart" + i,
                Addresses = [new PartitionAddress("10.77.0." + (10 + i), "255.255.255.255", "slaptap" + i)],
                Tap = new PartitionTap("slaptap" + i),
            }).ToList());
        await client.ReportFormatAsync(format, CancellationToken.None);
        return (client, computer);
    }
}
