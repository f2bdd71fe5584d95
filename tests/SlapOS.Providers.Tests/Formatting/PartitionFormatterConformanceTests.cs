namespace SlapOS.Providers.Tests.Formatting;

/// <summary>
/// The contract of <see cref="IPartitionFormatter"/>, written against the interface only, so the
/// same suite runs against every formatter (unprivileged, root). Each test formats a private
/// instance root in a temp dir.
/// </summary>
public abstract class PartitionFormatterConformanceTests : IDisposable
{
    private const UnixFileMode PartitionMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    protected PartitionFormatterConformanceTests()
    {
        Root = Directory.CreateTempSubdirectory("slapos-format-").FullName;
        InstanceRoot = Path.Combine(Root, "srv", "slapgrid");
    }

    protected string Root { get; }

    protected string InstanceRoot { get; }

    /// <summary>Creates the formatter under test.</summary>
    protected abstract IPartitionFormatter CreateFormatter();

    public void Dispose()
    {
        Directory.Delete(Root, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Format_creates_the_partitions_with_mode_0750_and_distinct_addresses()
    {
        var partitions = await CreateFormatter().FormatAsync(Layout(4), CancellationToken.None);

        Assert.Equal(["slappart0", "slappart1", "slappart2", "slappart3"], partitions.Select(p => p.Reference));
        Assert.All(partitions, p => Assert.Equal("COMP-TEST", p.ComputerReference));
        Assert.All(partitions, p => Assert.Equal(PartitionState.Free, p.State));
        foreach (var partition in partitions)
        {
            var path = Path.Combine(InstanceRoot, partition.Reference);
            Assert.True(Directory.Exists(path), $"{path} was not created");
            Assert.Equal(PartitionMode, File.GetUnixFileMode(path));
            Assert.Contains(partition.Addresses, a => System.Net.IPAddress.Parse(a.Address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            Assert.Contains(partition.Addresses, a => System.Net.IPAddress.Parse(a.Address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            Assert.All(partition.Addresses, a => Assert.False(string.IsNullOrEmpty(a.Netmask)));
        }

        var ipv4 = partitions.SelectMany(p => p.Addresses).Where(a => !a.Address.Contains(':', StringComparison.Ordinal)).Select(a => a.Address).ToList();
        Assert.Equal(ipv4.Count, ipv4.Distinct().Count());
    }

    [Fact]
    public async Task A_second_format_changes_nothing_and_returns_the_same_partitions()
    {
        var formatter = CreateFormatter();
        var first = await formatter.FormatAsync(Layout(3), CancellationToken.None);
        var marker = Path.Combine(InstanceRoot, "slappart1", "data");
        await File.WriteAllTextAsync(marker, "kept");

        var second = await CreateFormatter().FormatAsync(Layout(3), CancellationToken.None);

        Assert.Equal(Describe(first), Describe(second));
        Assert.Equal("kept", await File.ReadAllTextAsync(marker));
    }

    [Fact]
    public async Task Growing_adds_partitions_and_keeps_the_existing_ones_unchanged()
    {
        var formatter = CreateFormatter();
        var small = await formatter.FormatAsync(Layout(2), CancellationToken.None);

        var large = await formatter.FormatAsync(Layout(5), CancellationToken.None);

        Assert.Equal(5, large.Count);
        Assert.Equal(Describe(small), Describe(large.Take(2)));
        Assert.All(large, p => Assert.True(Directory.Exists(Path.Combine(InstanceRoot, p.Reference))));
    }

    [Fact]
    public async Task A_busy_partition_is_never_removed_when_shrinking()
    {
        var formatter = CreateFormatter();
        await formatter.FormatAsync(Layout(4), CancellationToken.None);
        var data = Path.Combine(InstanceRoot, "slappart3", "instance-data");
        await File.WriteAllTextAsync(data, "precious");

        var partitions = await formatter.FormatAsync(Layout(2) with { BusyPartitions = new HashSet<string> { "slappart3" } }, CancellationToken.None);

        Assert.Contains(partitions, p => p.Reference == "slappart3" && p.State == PartitionState.Busy);
        Assert.Equal("precious", await File.ReadAllTextAsync(data));
        Assert.True(partitions.Count >= 3);
    }

    [Fact]
    public async Task Wipe_empties_the_partition_but_keeps_the_directory_and_its_mode()
    {
        var formatter = CreateFormatter();
        await formatter.FormatAsync(Layout(2), CancellationToken.None);
        var partition = Path.Combine(InstanceRoot, "slappart1");
        Directory.CreateDirectory(Path.Combine(partition, "etc", "service"));
        await File.WriteAllTextAsync(Path.Combine(partition, "etc", "service", "web"), "#!/bin/sh");
        await File.WriteAllTextAsync(Path.Combine(partition, ".timestamp"), "1");
        var outside = Path.Combine(Root, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "keep"), "not the partition's");
        File.CreateSymbolicLink(Path.Combine(partition, "link-to-outside"), outside);

        await formatter.WipeAsync(Layout(2), "slappart1", CancellationToken.None);

        Assert.True(Directory.Exists(partition));
        Assert.Empty(Directory.EnumerateFileSystemEntries(partition));
        Assert.Equal(PartitionMode, File.GetUnixFileMode(partition));
        Assert.Equal("not the partition's", await File.ReadAllTextAsync(Path.Combine(outside, "keep")));
        Assert.True(Directory.Exists(Path.Combine(InstanceRoot, "slappart0")));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("..")]
    [InlineData("/etc")]
    [InlineData("slappart0/../..")]
    [InlineData("")]
    public async Task Wipe_refuses_references_that_escape_the_instance_root(string reference)
    {
        var formatter = CreateFormatter();
        await formatter.FormatAsync(Layout(1), CancellationToken.None);
        var outside = Path.Combine(Root, "outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "keep"), "x");

        await Assert.ThrowsAsync<SlapValidationException>(() => formatter.WipeAsync(Layout(1), reference, CancellationToken.None));

        Assert.True(File.Exists(Path.Combine(outside, "keep")));
    }

    /// <summary>A layout of this test's instance root.</summary>
    protected PartitionLayout Layout(int amount) => new()
    {
        ComputerReference = "COMP-TEST",
        InstanceRoot = InstanceRoot,
        PartitionAmount = amount,
    };

    /// <summary>A value-comparable description of partitions (records hold lists, compared by reference).</summary>
    protected static List<string> Describe(IEnumerable<ComputerPartition> partitions) =>
        [.. partitions.Select(p => $"{p.ComputerReference}/{p.Reference}/{p.State}/{p.Tap}/" + string.Join(",", p.Addresses.Select(a => $"{a.Address}|{a.Netmask}|{a.NetworkInterface}")))];
}
