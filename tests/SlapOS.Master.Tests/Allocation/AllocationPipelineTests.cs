using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Master.Allocation;
using SlapOS.Master.Allocation.Policies;

namespace SlapOS.Master.Tests.Allocation;

public class AllocationPipelineTests
{
    private const string Release = "https://lab.example/software.cfg";

    internal static IOptionsMonitor<AllocationOptions> Options(Action<AllocationOptions>? configure = null)
    {
        var options = new AllocationOptions();
        configure?.Invoke(options);
        var monitor = Substitute.For<IOptionsMonitor<AllocationOptions>>();
        monitor.CurrentValue.Returns(options);
        return monitor;
    }

    internal static AllocationCandidate Candidate(string reference, int free, int total = 10, bool installed = false, Dictionary<string, string>? attributes = null, bool open = true) =>
        new(new Computer { Reference = reference, Attributes = attributes ?? [], AllocationOpen = open }, free, total, installed);

    internal static AllocationContext Context(Dictionary<string, string>? sla = null) =>
        new(new InstanceRequest { Title = "t", SoftwareReleaseUrl = Release, Sla = sla ?? [] });

    private static AllocationPipeline Pipeline(IMasterStore store, IOptionsMonitor<AllocationOptions> options, params IAllocationPolicy[] policies) =>
        new(policies, options, store, NullLogger<AllocationPipeline>.Instance);

    private static AllocationPipeline BuiltIns(IMasterStore store, IOptionsMonitor<AllocationOptions> options) =>
        Pipeline(store, options, new ComputerGuidPolicy(), new CapacityPolicy(), new AttributesPolicy(options), new MaxPricePolicy(), new SoftwareInstalledPolicy(), new PlacementPolicy(options));

    [Fact]
    public void Filters_run_in_order_and_each_elimination_is_counted()
    {
        var options = Options();
        var pipeline = BuiltIns(Substitute.For<IMasterStore>(), options);
        var eliminations = new List<PolicyElimination>();

        var ranked = pipeline.Rank(Context(new() { ["region"] = "eu" }), [
            Candidate("A", 0, attributes: new() { ["region"] = "eu" }),
            Candidate("B", 5, attributes: new() { ["region"] = "us" }),
            Candidate("C", 5, attributes: new() { ["region"] = "eu" }),
        ], eliminations);

        Assert.Equal(["C"], ranked.Select(c => c.Computer.Reference));
        Assert.Equal(new PolicyElimination("capacity", 1, 2), eliminations.Single(e => e.Policy == "capacity"));
        Assert.Equal(new PolicyElimination("attributes", 1, 1), eliminations.Single(e => e.Policy == "attributes"));
    }

    [Fact]
    public void Scores_are_normalized_and_weighted()
    {
        // software_installed (0/1) against spread (share of free partitions): the weight decides.
        var candidates = new[] { Candidate("EMPTY", 10, installed: false), Candidate("HALF", 5, installed: true) };

        var equal = BuiltIns(Substitute.For<IMasterStore>(), Options()).Rank(Context(), candidates, []);
        var installedFirst = BuiltIns(Substitute.For<IMasterStore>(), Options(o => o.Weights["software_installed"] = 3)).Rank(Context(), candidates, []);
        var spreadFirst = BuiltIns(Substitute.For<IMasterStore>(), Options(o => o.Weights["spread"] = 3)).Rank(Context(), candidates, []);

        Assert.Equal("EMPTY", equal[0].Computer.Reference); // tie 1 = 1: broken by reference
        Assert.Equal("HALF", installedFirst[0].Computer.Reference);
        Assert.Equal("EMPTY", spreadFirst[0].Computer.Reference);
    }

    [Fact]
    public void Bin_pack_prefers_the_fullest_computer_with_room()
    {
        var ranked = BuiltIns(Substitute.For<IMasterStore>(), Options(o => o.Strategy = AllocationStrategy.BinPack))
            .Rank(Context(), [Candidate("A", 9), Candidate("B", 2), Candidate("C", 0)], []);

        Assert.Equal(["B", "A"], ranked.Select(c => c.Computer.Reference));
    }

    [Fact]
    public void Closed_computers_are_eliminated_by_capacity()
    {
        var ranked = new CapacityPolicy().Filter(Context(), [Candidate("OPEN", 1), Candidate("CLOSED", 5, open: false)]);
        Assert.Equal(["OPEN"], ranked.Select(c => c.Computer.Reference));
    }

    [Fact]
    public void An_unknown_computer_or_an_sla_key_nobody_carries_is_a_typed_error()
    {
        var pipeline = BuiltIns(Substitute.For<IMasterStore>(), Options());
        var candidates = new[] { Candidate("A", 1, attributes: new() { ["region"] = "eu" }) };

        var missing = Assert.Throws<SlapNotFoundException>(() => pipeline.Rank(Context(new() { ["computer_guid"] = "B" }), candidates, []));
        var unknownKey = Assert.Throws<SlapValidationException>(() => pipeline.Rank(Context(new() { ["gpu"] = "yes" }), candidates, []));
        var badPrice = Assert.Throws<SlapValidationException>(() => pipeline.Rank(Context(new() { ["max_price"] = "-1" }), candidates, []));

        Assert.Equal("B", missing.Reference);
        Assert.Equal("sla.gpu", unknownKey.Field);
        Assert.Equal("sla.max_price", badPrice.Field);
    }

    [Fact]
    public void Non_attribute_sla_keys_from_options_are_left_to_plugins()
    {
        var options = Options(o => o.NonAttributeSlaKeys.Add("team"));
        var ranked = BuiltIns(Substitute.For<IMasterStore>(), options).Rank(Context(new() { ["team"] = "red" }), [Candidate("A", 1)], []);
        Assert.Single(ranked);
    }

    [Fact]
    public async Task A_lost_race_tries_the_next_best_computer()
    {
        var store = Substitute.For<IMasterStore>();
        store.ListAllocationCandidatesAsync(Release, Arg.Any<CancellationToken>()).Returns([Candidate("A", 10), Candidate("B", 5)]);
        store.TryReservePartitionAsync("A", Arg.Any<SoftwareInstance>(), Arg.Any<CancellationToken>()).Returns((SoftwareInstance?)null);
        store.TryReservePartitionAsync("B", Arg.Any<SoftwareInstance>(), Arg.Any<CancellationToken>())
            .Returns(call => call.Arg<SoftwareInstance>() with { ComputerReference = "B", PartitionReference = "slappart3" });
        var instance = new SoftwareInstance { Reference = "SOFTINST-1", Title = "t", RequesterReference = "root", RootReference = "SOFTINST-1", SoftwareReleaseUrl = Release };

        var allocated = await BuiltIns(store, Options()).AllocateAsync(Context(), instance, default);

        Assert.Equal(("B", "slappart3"), (allocated.ComputerReference, allocated.PartitionReference));
        await store.Received(1).TryReservePartitionAsync("A", instance, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task When_every_race_is_lost_the_explanation_says_so()
    {
        var store = Substitute.For<IMasterStore>();
        store.ListAllocationCandidatesAsync(Release, Arg.Any<CancellationToken>()).Returns([Candidate("A", 1), Candidate("B", 0)]);
        store.TryReservePartitionAsync(Arg.Any<string>(), Arg.Any<SoftwareInstance>(), Arg.Any<CancellationToken>()).Returns((SoftwareInstance?)null);
        var instance = new SoftwareInstance { Reference = "SOFTINST-1", Title = "t", RequesterReference = "root", RootReference = "SOFTINST-1", SoftwareReleaseUrl = Release };

        var error = await Assert.ThrowsAsync<NoFreePartitionException>(() => BuiltIns(store, Options()).AllocateAsync(Context(), instance, default));

        Assert.Equal("no free partition for 't': 2 candidates; capacity eliminated 1; reservation eliminated 1", error.Message);
    }
}
