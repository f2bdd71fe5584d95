using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlapOS;
using SlapOS.Master;

namespace SlapOSPolicy1.Tests;

public sealed class PreferredAttributePolicyTests : IDisposable
{
    private static readonly AllocationContext Context = new(new InstanceRequest { Title = "t", SoftwareReleaseUrl = "https://example.com/sr/software.cfg" });

    private readonly string directory = Directory.CreateTempSubdirectory("slapos-policy-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Computers_with_the_preferred_value_score_one_and_others_zero()
    {
        var policy = new PreferredAttributePolicy(Options.Create(new PreferredAttributeOptions()));

        Assert.Equal(1.0, policy.Score(Context, Candidate("green", ("energy", "Renewable"))));
        Assert.Equal(0.0, policy.Score(Context, Candidate("coal", ("energy", "coal"))));
        Assert.Equal(0.0, policy.Score(Context, Candidate("unknown")));
    }

    [Fact]
    public void Only_a_required_preference_eliminates_candidates()
    {
        var candidates = new[] { Candidate("coal", ("energy", "coal")), Candidate("green", ("energy", "renewable")) };

        var preferring = new PreferredAttributePolicy(Options.Create(new PreferredAttributeOptions()));
        var requiring = new PreferredAttributePolicy(Options.Create(new PreferredAttributeOptions { Required = true }));

        Assert.Equal(2, preferring.Filter(Context, candidates).Count);
        Assert.Equal("green", Assert.Single(requiring.Filter(Context, candidates)).Computer.Reference);
    }

    [Theory]
    [InlineData("5", "COMP-GREEN")]
    [InlineData("0", "COMP-BIG")]
    public async Task A_real_master_follows_the_weight_the_operator_gives(string weight, string expectedComputer)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Master:Allocation:Weights:preferred_attribute"] = weight,
        });
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, $"master-{weight}.db")).AddPreferredAttributePolicy());
        using var host = builder.Build();
        await host.StartAsync();
        var master = host.Services.GetRequiredService<ISlapMaster>();

        // The green computer is small; the built-in spread strategy alone prefers the big one with more free partitions.
        await Format(master, "COMP-GREEN", partitions: 1, ("energy", "renewable"));
        await Format(master, "COMP-BIG", partitions: 10, ("energy", "coal"));

        var instance = await master.RequestAsync(new InstanceRequest { Title = "placed", SoftwareReleaseUrl = "https://example.com/sr/software.cfg" }, default);

        Assert.Equal(expectedComputer, instance.ComputerReference);
        await host.StopAsync();
    }

    private static AllocationCandidate Candidate(string reference, params (string Key, string Value)[] attributes) => new(
        new Computer { Reference = reference, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value) },
        FreePartitions: 1,
        TotalPartitions: 1,
        HasReleaseInstalled: false);

    private static async Task Format(ISlapMaster master, string computer, int partitions, params (string Key, string Value)[] attributes)
    {
        await master.RegisterComputerAsync(new Computer { Reference = computer, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value) }, default);
        await master.FormatComputerAsync(
            new ComputerFormat(computer, null, null, Enumerable.Range(0, partitions).Select(i => new ComputerPartition { ComputerReference = computer, Reference = $"slappart{i}" }).ToList()),
            default);
    }
}
