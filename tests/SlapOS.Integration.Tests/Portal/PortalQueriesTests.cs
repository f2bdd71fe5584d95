using SlapOS.Master.Portal;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>What each caller sees, decided by the API's authorization rules, at the portal's service level.</summary>
public sealed class PortalQueriesTests : IAsyncLifetime
{
    private static readonly SlapIdentity Alice = new(IdentityKind.Person, PortalMaster.Alice);
    private static readonly SlapIdentity Bob = new(IdentityKind.Person, PortalMaster.Bob);
    private static readonly SlapIdentity Stranger = new(IdentityKind.Person, "PERSON-carol");
    private PortalMaster _master = null!;

    private PortalQueries Queries => new(_master.Master);

    public async Task InitializeAsync() => _master = await PortalMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task A_person_sees_only_the_computers_they_own()
    {
        var alice = await Queries.ListComputersAsync(Alice, default);
        var bob = await Queries.ListComputersAsync(Bob, default);
        var stranger = await Queries.ListComputersAsync(Stranger, default);
        var admin = await Queries.ListComputersAsync(SlapIdentity.LoopbackAdmin, default);

        Assert.Equal([PortalMaster.ComputerA], alice.Select(c => c.Computer.Reference));
        Assert.Equal([PortalMaster.ComputerB], bob.Select(c => c.Computer.Reference));
        Assert.Empty(stranger);
        Assert.Equal([PortalMaster.ComputerA, PortalMaster.ComputerB], admin.Select(c => c.Computer.Reference));
        Assert.Equal((2, 1), (alice[0].Used, alice[0].Free));
    }

    [Fact]
    public async Task A_person_sees_only_their_trees()
    {
        var alice = await Queries.ListTreesAsync(Alice, default);
        var bob = await Queries.ListTreesAsync(Bob, default);
        var admin = await Queries.ListTreesAsync(SlapIdentity.LoopbackAdmin, default);

        Assert.Equal(["alice-web"], alice.Select(t => t.Root.Title));
        Assert.Equal(["alice-db", "alice-web"], alice[0].Instances.Select(i => i.Title).Order(StringComparer.Ordinal));
        Assert.Equal(["bob-shop"], bob.Select(t => t.Root.Title));
        Assert.Equal(["alice-web", "bob-shop"], admin.Select(t => t.Root.Title));
    }

    [Fact]
    public async Task A_person_may_not_open_another_persons_tree_or_computer()
    {
        await Assert.ThrowsAsync<SlapForbiddenException>(() => Queries.GetTreeAsync(Alice, _master.BobRoot.Reference, default));
        await Assert.ThrowsAsync<SlapForbiddenException>(() => Queries.GetTreeAsync(Bob, _master.AliceChild.Reference, default));
        await Assert.ThrowsAsync<SlapForbiddenException>(() => Queries.GetComputerAsync(Bob, PortalMaster.ComputerA, default));
        await Assert.ThrowsAsync<SlapForbiddenException>(() => Queries.SupplyAsync(Bob, PortalMaster.ComputerA, "https://example.org/x.cfg", SupplyState.Available, default));

        var own = await Queries.GetTreeAsync(Alice, _master.AliceChild.Reference, default);
        Assert.Equal(_master.AliceRoot.Reference, own.Tree.Root.Reference);
    }

    [Fact]
    public async Task A_persons_usage_and_activity_hold_only_what_is_theirs()
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(1);

        var alice = await Queries.GetUsageAsync(Alice, null, end.AddDays(-7), end, 7, default);
        var admin = await Queries.GetUsageAsync(SlapIdentity.LoopbackAdmin, null, end.AddDays(-7), end, 7, default);
        var aliceActivity = await Queries.ListActivityAsync(Alice, default);
        var bobActivity = await Queries.ListActivityAsync(Bob, default);

        Assert.Equal(["alice-web"], alice.ByTree.Select(s => s.Name));
        Assert.Equal(480, alice.ByTree[0].CpuSeconds.Sum());
        Assert.Equal([PortalMaster.ComputerA], alice.ByComputer.Select(s => s.Name));
        Assert.Equal(["alice-web", "bob-shop"], admin.ByTree.Select(s => s.Name));
        Assert.Equal(45, admin.ByComputer.Single(s => s.Name == PortalMaster.ComputerB).CpuSeconds.Sum());
        Assert.Contains(aliceActivity, a => a.Subject == "alice-db" && a.Detail.Contains("database disk is full", StringComparison.Ordinal));
        Assert.DoesNotContain(aliceActivity, a => a.Subject.Contains("bob", StringComparison.Ordinal) || a.Subject.Contains(PortalMaster.ComputerB, StringComparison.Ordinal));
        Assert.DoesNotContain(bobActivity, a => a.Subject.Contains("alice", StringComparison.Ordinal));
        Assert.True(aliceActivity.Zip(aliceActivity.Skip(1)).All(p => p.First.At >= p.Second.At), "newest first");
    }

    [Fact]
    public async Task Usage_lands_in_the_bucket_of_its_start()
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(1);

        var usage = await Queries.GetUsageAsync(SlapIdentity.LoopbackAdmin, PortalMaster.ComputerA, end.AddDays(-7), end, 7, default);

        var alice = usage.ByTree.Single(s => s.Name == "alice-web");
        Assert.Equal(7, usage.Buckets.Count);
        Assert.Equal(180, alice.CpuSeconds[6]); // 120 + 60, three hours ago
        Assert.Equal(300, alice.CpuSeconds[4]); // two days ago
        Assert.DoesNotContain(usage.ByComputer, s => s.Name == PortalMaster.ComputerB);
    }

    [Fact]
    public async Task Memory_and_disk_are_levels_summed_over_partitions_per_bucket()
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(1);

        var usage = await Queries.GetUsageAsync(SlapIdentity.LoopbackAdmin, PortalMaster.ComputerA, end.AddDays(-7), end, 7, default);

        var alice = usage.ByTree.Single(s => s.Name == "alice-web");
        Assert.Equal(128L << 20, alice.MemoryBytes[6]); // alice-web and alice-db, 64 MiB each, three hours ago
        Assert.Equal(64L << 20, alice.MemoryBytes[4]); // alice-web alone, two days ago
        Assert.Equal(2L << 20, alice.DiskBytes[6]);
        Assert.Equal(0, alice.DiskBytes[0]);
        Assert.Equal(alice.MemoryBytes, alice.Values(UsageMetric.Memory));
    }

    [Fact]
    public async Task A_person_sees_the_capacity_of_their_computers_only()
    {
        var alice = await Queries.ListCapacityAsync(Alice, default);
        var admin = await Queries.ListCapacityAsync(SlapIdentity.LoopbackAdmin, default);
        var stranger = await Queries.ListCapacityAsync(Stranger, default);

        Assert.Equal([PortalMaster.ComputerA], alice.Select(c => c.ComputerReference));
        Assert.Equal((3, 2, 0, 1), (alice[0].TotalPartitions, alice[0].UsedPartitions, alice[0].ReservedPartitions, alice[0].FreePartitions));
        Assert.Equal([PortalMaster.ComputerA, PortalMaster.ComputerB], admin.Select(c => c.ComputerReference));
        Assert.Empty(stranger);
    }

    [Fact]
    public async Task Changing_an_instances_state_is_the_owners_and_follows_the_tree_rules()
    {
        await Assert.ThrowsAsync<SlapForbiddenException>(() => Queries.ChangeStateAsync(Bob, _master.AliceChild.Reference, RequestedState.Stopped, default));
        Assert.Equal(RequestedState.Started, (await _master.Master.GetInstanceAsync(_master.AliceChild.Reference, default)).RequestedState);

        var stopped = await Queries.ChangeStateAsync(Alice, _master.AliceChild.Reference, RequestedState.Stopped, default);
        Assert.Equal(RequestedState.Stopped, stopped.RequestedState);
        Assert.Equal(_master.AliceChild.Parameters, stopped.Parameters);

        await Queries.ChangeStateAsync(Alice, _master.AliceRoot.Reference, RequestedState.Destroyed, default);
        Assert.Equal(RequestedState.Destroyed, (await _master.Master.GetInstanceAsync(_master.AliceRoot.Reference, default)).RequestedState);
        Assert.Equal(RequestedState.Destroyed, (await _master.Master.GetInstanceAsync(_master.AliceChild.Reference, default)).RequestedState);
    }

    [Fact]
    public void Secret_connection_parameters_are_recognised_by_their_key()
    {
        Assert.True(ConnectionParameterMask.IsSecret("admin-password"));
        Assert.True(ConnectionParameterMask.IsSecret("ssh-key"));
        Assert.True(ConnectionParameterMask.IsSecret("API_TOKEN"));
        Assert.True(ConnectionParameterMask.IsSecret("client_secret"));
        Assert.False(ConnectionParameterMask.IsSecret("url"));
        Assert.False(ConnectionParameterMask.IsSecret("ipv6"));
    }
}
