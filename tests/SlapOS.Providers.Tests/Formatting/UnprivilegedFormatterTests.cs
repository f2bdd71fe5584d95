using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Providers.Formatting;

namespace SlapOS.Providers.Tests.Formatting;

/// <summary>What the unprivileged formatter does beyond the contract: its address scheme and shrinking rules.</summary>
public sealed class UnprivilegedFormatterTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("slapos-unprivileged-format-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Addresses_come_from_the_loopback_range_by_partition_index_on_lo()
    {
        var formatter = Formatter(new UnprivilegedFormatterOptions { Ipv4Range = "127.42.0.0/24" });

        var partitions = await formatter.FormatAsync(Layout(3), CancellationToken.None);

        Assert.Equal(["127.42.0.1", "127.42.0.2", "127.42.0.3"], partitions.Select(p => p.Addresses[0].Address));
        Assert.All(partitions, p => Assert.Equal("255.255.255.0", p.Addresses[0].Netmask));
        Assert.All(partitions, p => Assert.Equal("::1", p.Addresses[1].Address));
        Assert.All(partitions, p => Assert.All(p.Addresses, a => Assert.Equal("lo", a.NetworkInterface)));
        Assert.All(partitions, p => Assert.Null(p.Tap));
    }

    [Fact]
    public async Task Shrinking_removes_empty_free_partitions_and_keeps_those_with_files()
    {
        var formatter = Formatter(new UnprivilegedFormatterOptions());
        await formatter.FormatAsync(Layout(5), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(root, "slappart4", "left-over"), "x");

        var partitions = await formatter.FormatAsync(Layout(2), CancellationToken.None);

        Assert.Equal(["slappart0", "slappart1", "slappart4"], partitions.Select(p => p.Reference));
        Assert.False(Directory.Exists(Path.Combine(root, "slappart2")));
        Assert.False(Directory.Exists(Path.Combine(root, "slappart3")));
        Assert.True(File.Exists(Path.Combine(root, "slappart4", "left-over")));
        Assert.Equal("127.16.0.5", partitions[2].Addresses[0].Address);
    }

    [Fact]
    public async Task Directories_that_only_look_like_partitions_are_left_alone()
    {
        var formatter = Formatter(new UnprivilegedFormatterOptions());
        Directory.CreateDirectory(Path.Combine(root, "slappart007"));
        Directory.CreateDirectory(Path.Combine(root, "slappartX"));

        var partitions = await formatter.FormatAsync(Layout(1), CancellationToken.None);

        Assert.Equal(["slappart0"], partitions.Select(p => p.Reference));
        Assert.True(Directory.Exists(Path.Combine(root, "slappart007")));
        Assert.True(Directory.Exists(Path.Combine(root, "slappartX")));
    }

    [Fact]
    public async Task More_partitions_than_the_range_holds_is_refused()
    {
        var formatter = Formatter(new UnprivilegedFormatterOptions { Ipv4Range = "127.42.0.0/30" });

        var error = await Assert.ThrowsAsync<SlapValidationException>(() => formatter.FormatAsync(Layout(3), CancellationToken.None));

        Assert.Equal("partition_amount", error.Field);
    }

    [Fact]
    public async Task Wiping_a_missing_partition_is_a_not_found_error()
    {
        var formatter = Formatter(new UnprivilegedFormatterOptions());
        await formatter.FormatAsync(Layout(1), CancellationToken.None);

        await Assert.ThrowsAsync<SlapNotFoundException>(() => formatter.WipeAsync(Layout(1), "slappart9", CancellationToken.None));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "Ipv4Range")]
    [InlineData("127.0.0.0/31", "Ipv4Range")]
    [InlineData("not-a-range", "Ipv4Range")]
    public void Bad_options_are_rejected_with_their_name(string range, string expected)
    {
        var builder = Substitute.For<ISlapOSSlaveBuilder>();
        var services = new ServiceCollection();
        builder.Services.Returns(services);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());

        builder.UseUnprivilegedFormatter(o => o.Ipv4Range = range);

        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<UnprivilegedFormatterOptions>>().Value);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseUnprivilegedFormatter_replaces_an_earlier_formatter()
    {
        var builder = Substitute.For<ISlapOSSlaveBuilder>();
        var services = new ServiceCollection();
        builder.Services.Returns(services);
        services.AddSingleton(Substitute.For<IPartitionFormatter>());
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());

        builder.UseUnprivilegedFormatter().UseUnprivilegedFormatter();

        using var provider = services.BuildServiceProvider();
        Assert.Single(services, d => d.ServiceType == typeof(IPartitionFormatter));
        Assert.IsType<UnprivilegedFormatter>(provider.GetRequiredService<IPartitionFormatter>());
    }

    private static UnprivilegedFormatter Formatter(UnprivilegedFormatterOptions options) => new(Options.Create(options));

    private PartitionLayout Layout(int amount) => new() { ComputerReference = "COMP-U", InstanceRoot = root, PartitionAmount = amount };
}
