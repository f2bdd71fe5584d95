using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlapOS.Master;
using SlapOS.Samples.AllocationPolicy;

namespace SlapOS.Samples.AllocationPolicy.Tests;

public sealed class RenewableEnergyPolicyTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-policy-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static AllocationCandidate Candidate(string reference, params (string Key, string Value)[] attributes) => new(
        new Computer { Reference = reference, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value) },
        FreePartitions: 1,
        TotalPartitions: 1,
        HasReleaseInstalled: false);

    private static readonly AllocationContext Context = new(new InstanceRequest { Title = "t", SoftwareReleaseUrl = "https://example.com/sr" });

    [Fact]
    public void Renewable_computers_score_one_and_others_zero()
    {
        var policy = new RenewableEnergyPolicy(Options.Create(new RenewableEnergyOptions()));

        Assert.Equal(1.0, policy.Score(Context, Candidate("green", ("energy", "Renewable"))));
        Assert.Equal(0.0, policy.Score(Context, Candidate("coal", ("energy", "coal"))));
        Assert.Equal(0.0, policy.Score(Context, Candidate("unknown")));
        Assert.Equal("renewable_energy", policy.Name);
    }

    [Fact]
    public void The_attribute_and_value_are_configurable()
    {
        var policy = new RenewableEnergyPolicy(Options.Create(new RenewableEnergyOptions { AttributeName = "power", PreferredValue = "solar" }));

        Assert.Equal(1.0, policy.Score(Context, Candidate("sunny", ("power", "solar"))));
        Assert.Equal(0.0, policy.Score(Context, Candidate("green", ("energy", "renewable"))));
    }

    [Fact]
    public void The_default_filter_keeps_every_candidate()
    {
        IAllocationPolicy policy = new RenewableEnergyPolicy(Options.Create(new RenewableEnergyOptions()));
        var candidates = new[] { Candidate("a"), Candidate("b", ("energy", "renewable")) };

        Assert.Same(candidates, policy.Filter(Context, candidates));
    }

    [Theory]
    [InlineData("5", "COMP-GREEN")]
    [InlineData("0", "COMP-BIG")]
    public async Task A_real_master_follows_the_weight_the_operator_gives(string weight, string expectedComputer)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Master:Allocation:Weights:renewable_energy"] = weight,
        });
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, $"master-{weight}.db")).AddRenewableEnergyPreference());
        using var host = builder.Build();
        await host.StartAsync();
        var master = host.Services.GetRequiredService<ISlapMaster>();

        // The green computer is small; the spread strategy alone prefers the big one with more free partitions.
        await Format(master, "COMP-GREEN", partitions: 1, ("energy", "renewable"));
        await Format(master, "COMP-BIG", partitions: 10, ("energy", "coal"));

        var instance = await master.RequestAsync(new InstanceRequest { Title = "placed", SoftwareReleaseUrl = "https://example.com/sr/software.cfg" }, default);

        Assert.Equal(expectedComputer, instance.ComputerReference);
        await host.StopAsync();
    }

    private static async Task Format(ISlapMaster master, string computer, int partitions, params (string Key, string Value)[] attributes)
    {
        await master.RegisterComputerAsync(new Computer { Reference = computer, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value) }, default);
        await master.FormatComputerAsync(
            new ComputerFormat(computer, null, null, Enumerable.Range(0, partitions).Select(i => new ComputerPartition { ComputerReference = computer, Reference = $"slappart{i}" }).ToList()),
            default);
    }
}
