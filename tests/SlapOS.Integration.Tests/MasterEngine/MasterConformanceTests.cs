using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;

namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>
/// Every semantic of the master engine, run against each store (SQLite, PostgreSQL): the subclasses
/// only say how to get a fresh, empty database.
/// </summary>
public abstract class MasterConformanceTests : IAsyncLifetime
{
    protected const string Release = "https://lab.example/software/kvm/software.cfg";
    protected const string OtherRelease = "https://lab.example/software/erp5/software.cfg";

    private readonly List<ServiceProvider> _providers = [];

    protected ISlapMaster Master { get; private set; } = null!;

    protected IMasterStore Store { get; private set; } = null!;

    /// <summary>Chooses the store under test on <paramref name="builder"/> (a fresh database for this test).</summary>
    protected abstract void UseStore(ISlapOSMasterBuilder builder);

    /// <summary>Creates the fresh database.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Runs raw SQL on the database under test.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>Removes the database.</summary>
    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        (Master, Store) = await BuildAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    protected async Task<(ISlapMaster, IMasterStore)> BuildAsync(Dictionary<string, string?>? settings = null, Action<ISlapOSMasterBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        services.AddSlapOSMaster(m =>
        {
            UseStore(m);
            configure?.Invoke(m);
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        var store = provider.GetRequiredService<IMasterStore>();
        await store.MigrateAsync(default);
        return (provider.GetRequiredService<ISlapMaster>(), store);
    }

    protected async Task AddComputerAsync(string reference, int partitions, Dictionary<string, string>? attributes = null, ISlapMaster? master = null)
    {
        master ??= Master;
        await master.RegisterComputerAsync(new Computer { Reference = reference, Attributes = attributes ?? [] }, default);
        await master.FormatComputerAsync(new ComputerFormat(reference, "10.0.0.1", "255.255.255.0",
            [.. Enumerable.Range(0, partitions).Select(i => Partition(reference, i))]), default);
    }

    protected static ComputerPartition Partition(string computer, int index, string? address = null) => new()
    {
        ComputerReference = computer,
        Reference = $"slappart{index}",
        Addresses = [new PartitionAddress(address ?? $"10.0.{index / 250}.{index % 250 + 2}", "255.255.255.0", "lo")],
    };

    protected static InstanceRequest Request(string title, string requester = InstanceRequest.RootRequester, Dictionary<string, string>? parameters = null,
        Dictionary<string, string>? sla = null, RequestedState state = RequestedState.Started, bool shared = false, string release = Release, string type = "default") => new()
        {
            Title = title,
            RequesterReference = requester,
            SoftwareReleaseUrl = release,
            SoftwareType = type,
            Parameters = parameters ?? [],
            Sla = sla ?? [],
            State = state,
            Shared = shared,
        };

    /// <summary>Everything the store holds, as text: to prove a rejected request changed nothing.</summary>
    protected async Task<string> SnapshotAsync()
    {
        var computers = new List<object>();
        await foreach (var computer in Store.ListComputersAsync(default))
        {
            computers.Add(new
            {
                Computer = computer with { LastContact = null },
                Partitions = await Store.ListPartitionsAsync(computer.Reference, default),
                Supplies = await Store.ListSoftwareInstallationsAsync(computer.Reference, default),
                Candidates = (await Store.ListAllocationCandidatesAsync(Release, default)).Select(c => new { c.Computer.Reference, c.FreePartitions, c.TotalPartitions }),
            });
        }

        var instances = new List<SoftwareInstance>();
        await foreach (var instance in Store.ListInstancesAsync(new InstanceQuery(), default))
        {
            instances.Add(instance);
        }

        return JsonSerializer.Serialize(new { computers, instances });
    }

    protected static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    // ---- store and registry ----

    [Fact]
    public async Task Migrating_again_is_a_no_op_and_a_newer_schema_is_refused()
    {
        await Store.MigrateAsync(default);
        await AddComputerAsync("COMP-M", 1);
        await Store.MigrateAsync(default);
        Assert.NotNull(await Store.GetComputerAsync("COMP-M", default));

        await ExecuteSqlAsync("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.MigrateAsync(default));
        Assert.Contains("refusing to downgrade", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_computer_keeps_its_attributes_and_an_upsert_updates_them()
    {
        await Master.RegisterComputerAsync(new Computer
        {
            Reference = "COMP-A",
            Title = "rack 1",
            Attributes = new Dictionary<string, string> { ["region"] = "eu-west", ["cpu_architecture"] = "x86_64", ["network"] = "ipv6", ["price"] = "0.25", ["rack"] = "r1" },
        }, default);
        var updated = await Master.RegisterComputerAsync(new Computer { Reference = "COMP-A", Title = "rack 2", Attributes = new Dictionary<string, string> { ["region"] = "eu-central" } }, default);

        Assert.Equal("rack 2", updated.Title);
        Assert.Equal("eu-central", Assert.Single(updated.Attributes).Value);
        Assert.Equal(["COMP-A"], (await ListAsync(Master.ListComputersAsync(default))).Select(c => c.Reference));
        await Assert.ThrowsAsync<SlapNotFoundException>(() => Master.GetComputerAsync("COMP-NONE", default));
    }

    [Fact]
    public async Task Format_adds_updates_and_removes_only_free_partitions()
    {
        await AddComputerAsync("COMP-F", 3);
        var busy = await Master.RequestAsync(Request("busy", sla: new() { ["computer_guid"] = "COMP-F" }), default);

        var result = await Master.FormatComputerAsync(new ComputerFormat("COMP-F", "10.0.0.1", "255.255.255.0",
            [Partition("COMP-F", 1, "10.9.9.9"), Partition("COMP-F", 3)]), default);

        var partitions = await Master.ListPartitionsAsync("COMP-F", default);
        Assert.Equal(["slappart3"], result.Added);
        Assert.Equal(["slappart1"], result.Updated);
        var busyPartition = busy.PartitionReference!;
        Assert.Equal(busyPartition == "slappart0" ? ["slappart2"] : ["slappart0", "slappart2"], result.Removed.Concat(result.KeptBusy).Order().Where(p => p != busyPartition));
        Assert.Equal(busyPartition is "slappart0" or "slappart2" ? [busyPartition] : [], result.KeptBusy);
        Assert.Contains(partitions, p => p.Reference == busyPartition && p.State == PartitionState.Busy && p.InstanceReference == busy.Reference);
        Assert.Equal("10.9.9.9", partitions.Single(p => p.Reference == "slappart1").Addresses[0].Address);
    }

    [Fact]
    public async Task Supply_and_reported_installation_states_are_kept()
    {
        await AddComputerAsync("COMP-S", 1);
        await Master.SupplyAsync("COMP-S", Release, SupplyState.Available, default);
        await Master.SupplyAsync("COMP-S", OtherRelease, SupplyState.Available, default);
        await Master.ReportSoftwareInstallationAsync("COMP-S", Release, SoftwareInstallationState.Error, "buildout failed: no network", default);
        await Master.ReportSoftwareInstallationAsync("COMP-S", OtherRelease, SoftwareInstallationState.Available, null, default);
        await Master.SupplyAsync("COMP-S", OtherRelease, SupplyState.Destroyed, default);

        var installs = await Master.ListSoftwareInstallationsAsync("COMP-S", default);
        var kvm = installs.Single(i => i.SoftwareReleaseUrl == Release);
        var erp5 = installs.Single(i => i.SoftwareReleaseUrl == OtherRelease);
        Assert.Equal((SupplyState.Available, SoftwareInstallationState.Error, "buildout failed: no network"), (kvm.RequestedState, kvm.ReportedState!.Value, kvm.ErrorMessage));
        Assert.Equal((SupplyState.Destroyed, SoftwareInstallationState.Available), (erp5.RequestedState, erp5.ReportedState!.Value));
        Assert.NotNull(kvm.ReportedAt);
        await Assert.ThrowsAsync<SlapNotFoundException>(() => Master.SupplyAsync("COMP-NONE", Release, SupplyState.Available, default));
    }

    // ---- requests ----

    [Fact]
    public async Task An_identical_re_request_returns_the_same_partition_and_timestamp()
    {
        await AddComputerAsync("COMP-1", 4);
        var first = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "10" }), default);
        var again = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "10" }), default);

        Assert.Equal((first.Reference, first.ComputerReference, first.PartitionReference, first.Timestamp), (again.Reference, again.ComputerReference, again.PartitionReference, again.Timestamp));
        Assert.Single(await ListAsync(Master.ListInstancesAsync(new InstanceQuery(), default)));
    }

    [Fact]
    public async Task Changed_parameters_type_or_state_update_and_bump_but_a_changed_sla_never_moves()
    {
        await AddComputerAsync("COMP-1", 2);
        await AddComputerAsync("COMP-2", 2);
        var first = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "10" }), default);
        var other = first.ComputerReference == "COMP-1" ? "COMP-2" : "COMP-1";

        var resized = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "20" }), default);
        var retyped = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "20" }, type: "replica"), default);
        var stopped = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "20" }, type: "replica", state: RequestedState.Stopped), default);
        var moved = await Master.RequestAsync(Request("db", parameters: new() { ["size"] = "20" }, type: "replica", state: RequestedState.Stopped, sla: new() { ["computer_guid"] = other }), default);

        Assert.True(resized.Timestamp > first.Timestamp);
        Assert.True(retyped.Timestamp > resized.Timestamp);
        Assert.True(stopped.Timestamp > retyped.Timestamp);
        Assert.Equal(stopped.Timestamp, moved.Timestamp);
        Assert.Equal((first.ComputerReference, first.PartitionReference), (moved.ComputerReference, moved.PartitionReference));
        var stored = await Master.GetInstanceAsync(first.Reference, default);
        Assert.Equal(("20", "replica", RequestedState.Stopped), (stored.Parameters["size"], stored.SoftwareType, stored.RequestedState));
    }

    [Fact]
    public async Task Concurrent_identical_requests_create_one_instance()
    {
        await AddComputerAsync("COMP-1", 20);
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Master.RequestAsync(Request("same"), default))));

        Assert.Single(results.Select(r => r.Reference).Distinct());
        Assert.Single(await ListAsync(Master.ListInstancesAsync(new InstanceQuery(), default)));
        Assert.Single(await Master.ListPartitionsAsync("COMP-1", default), p => p.State == PartitionState.Busy);
    }

    [Fact]
    public async Task A_child_joins_its_parents_tree_and_takes_a_not_started_roots_state()
    {
        await AddComputerAsync("COMP-1", 4);
        var root = await Master.RequestAsync(Request("root", state: RequestedState.Stopped), default);
        var child = await Master.RequestAsync(Request("child", requester: root.Reference), default);
        var grandchild = await Master.RequestAsync(Request("grandchild", requester: child.Reference, state: RequestedState.Started), default);

        Assert.Equal(root.Reference, child.RootReference);
        Assert.Equal(root.Reference, grandchild.RootReference);
        Assert.Equal(RequestedState.Stopped, child.RequestedState);
        Assert.Equal(RequestedState.Stopped, grandchild.RequestedState);
        var tree = await Master.GetInstanceTreeAsync(grandchild.Reference, default);
        Assert.Equal(root.Reference, tree.Root.Reference);
        Assert.Equal(3, tree.Instances.Count);
        Assert.Equal(child.Reference, Assert.Single(tree.ChildrenOf(tree.Root)).Reference);
    }

    [Fact]
    public async Task Destroying_a_root_destroys_its_children_first_and_frees_the_root_last()
    {
        await AddComputerAsync("COMP-1", 3);
        var root = await Master.RequestAsync(Request("root"), default);
        var child = await Master.RequestAsync(Request("child", requester: root.Reference), default);

        var destroyed = await Master.RequestAsync(Request("root", state: RequestedState.Destroyed), default);
        Assert.Equal(RequestedState.Destroyed, destroyed.RequestedState);
        var childNow = await Master.GetInstanceAsync(child.Reference, default);
        Assert.Equal(RequestedState.Destroyed, childNow.RequestedState);
        Assert.True(childNow.Timestamp > child.Timestamp);

        var early = await Assert.ThrowsAsync<SlapException>(() => Master.ReportDestroyedAsync("COMP-1", root.PartitionReference!, default));
        Assert.Equal(SlapErrorKind.NotReady, early.Kind);
        Assert.Contains("child", early.Message, StringComparison.Ordinal);

        await Master.ReportDestroyedAsync("COMP-1", child.PartitionReference!, default);
        await Master.ReportDestroyedAsync("COMP-1", root.PartitionReference!, default);

        Assert.Empty(await ListAsync(Master.ListInstancesAsync(new InstanceQuery(), default)));
        Assert.All(await Master.ListPartitionsAsync("COMP-1", default), p => Assert.Equal((PartitionState.Free, (string?)null), (p.State, p.InstanceReference)));
        Assert.Equal(3, (await Store.ListAllocationCandidatesAsync(Release, default)).Single().FreePartitions);
    }

    [Fact]
    public async Task A_freed_partition_returns_to_the_pool_clean()
    {
        await AddComputerAsync("COMP-1", 1);
        var first = await Master.RequestAsync(Request("first", parameters: new() { ["secret"] = "x" }), default);
        await Master.PublishConnectionParametersAsync("COMP-1", first.PartitionReference!, new Dictionary<string, string> { ["url"] = "https://old" }, null, default);
        await Assert.ThrowsAsync<NoFreePartitionException>(() => Master.RequestAsync(Request("second"), default));

        var notDestroyed = await Assert.ThrowsAsync<SlapException>(() => Master.ReportDestroyedAsync("COMP-1", first.PartitionReference!, default));
        Assert.Equal(SlapErrorKind.Conflict, notDestroyed.Kind);

        await Master.RequestAsync(Request("first", parameters: new() { ["secret"] = "x" }, state: RequestedState.Destroyed), default);
        var revive = await Assert.ThrowsAsync<SlapException>(() => Master.RequestAsync(Request("first", parameters: new() { ["secret"] = "x" }), default));
        Assert.Equal(SlapErrorKind.Conflict, revive.Kind);
        Assert.Contains("is being destroyed", revive.Message, StringComparison.Ordinal);
        await Master.ReportDestroyedAsync("COMP-1", first.PartitionReference!, default);
        var second = await Master.RequestAsync(Request("second"), default);

        Assert.Equal(first.PartitionReference, second.PartitionReference);
        var document = await Master.GetComputerDocumentAsync("COMP-1", default);
        var partition = Assert.Single(document.Partitions);
        Assert.Equal(("second", second.Reference), (partition.Title, partition.InstanceReference));
        Assert.Empty(partition.ConnectionParameters);
        Assert.Empty(partition.Parameters);
    }

    [Fact]
    public async Task Shared_instances_are_hosted_listed_and_bump_their_host_only_on_change()
    {
        await AddComputerAsync("COMP-1", 3);
        var host = await Master.RequestAsync(Request("frontend", type: "cdn"), default);
        await Master.RequestAsync(Request("other-type", type: "default"), default);

        var shared = await Master.RequestAsync(Request("site-a", parameters: new() { ["domain"] = "a.example" }, shared: true, type: "cdn"), default);
        var afterAdd = await Master.GetInstanceAsync(host.Reference, default);
        Assert.Equal((host.Reference, host.PartitionReference), (shared.HostInstanceReference, shared.PartitionReference));
        Assert.True(afterAdd.Timestamp > host.Timestamp);

        await Master.RequestAsync(Request("site-a", parameters: new() { ["domain"] = "a.example" }, shared: true, type: "cdn"), default);
        Assert.Equal(afterAdd.Timestamp, (await Master.GetInstanceAsync(host.Reference, default)).Timestamp);

        await Master.RequestAsync(Request("site-a", parameters: new() { ["domain"] = "b.example" }, shared: true, type: "cdn"), default);
        var afterChange = await Master.GetInstanceAsync(host.Reference, default);
        Assert.True(afterChange.Timestamp > afterAdd.Timestamp);

        var document = await Master.GetComputerDocumentAsync("COMP-1", default);
        var entry = Assert.Single(document.Partitions.Single(p => p.InstanceReference == host.Reference).SharedInstances);
        Assert.Equal((shared.Reference, "site-a", "b.example"), (entry.Reference, entry.Title, entry.Parameters["domain"]));
        Assert.All(document.Partitions.Where(p => p.InstanceReference != host.Reference), p => Assert.Empty(p.SharedInstances));

        await Master.RequestAsync(Request("site-a", parameters: new() { ["domain"] = "b.example" }, shared: true, type: "cdn", state: RequestedState.Destroyed), default);
        var afterRemoval = await Master.GetInstanceAsync(host.Reference, default);
        Assert.True(afterRemoval.Timestamp > afterChange.Timestamp);
        Assert.Null(await Master.FindInstanceAsync(InstanceRequest.RootRequester, "site-a", default));
        document = await Master.GetComputerDocumentAsync("COMP-1", default);
        Assert.Empty(document.Partitions.Single(p => p.InstanceReference == host.Reference).SharedInstances);
    }

    [Fact]
    public async Task A_shared_instance_goes_to_the_instance_guid_it_names_and_fails_clearly_without_a_host()
    {
        await AddComputerAsync("COMP-1", 3);
        await Master.RequestAsync(Request("frontend-1", type: "cdn"), default);
        var second = await Master.RequestAsync(Request("frontend-2", type: "cdn"), default);

        var pinned = await Master.RequestAsync(Request("site", shared: true, type: "cdn", sla: new() { ["instance_guid"] = second.Reference }), default);
        Assert.Equal(second.Reference, pinned.HostInstanceReference);

        var before = await SnapshotAsync();
        var error = await Assert.ThrowsAsync<SlapException>(() => Master.RequestAsync(Request("orphan", shared: true, release: OtherRelease), default));
        Assert.Equal(SlapErrorKind.NoCapacity, error.Kind);
        Assert.Contains("can host shared instance 'orphan'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Connection_parameters_are_published_by_the_partition_and_read_on_re_request()
    {
        await AddComputerAsync("COMP-1", 3);
        var root = await Master.RequestAsync(Request("root", type: "cdn"), default);
        var child = await Master.RequestAsync(Request("child", requester: root.Reference), default);
        var shared = await Master.RequestAsync(Request("site", shared: true, type: "cdn"), default);

        await Master.PublishConnectionParametersAsync("COMP-1", child.PartitionReference!, new Dictionary<string, string> { ["url"] = "https://child" }, null, default);
        await Master.PublishConnectionParametersAsync("COMP-1", root.PartitionReference!, new Dictionary<string, string> { ["site-url"] = "https://site" }, shared.Reference, default);

        var childAgain = await Master.RequestAsync(Request("child", requester: root.Reference), default);
        var sharedAgain = await Master.RequestAsync(Request("site", shared: true, type: "cdn"), default);
        Assert.Equal("https://child", childAgain.ConnectionParameters["url"]);
        Assert.Equal("https://site", sharedAgain.ConnectionParameters["site-url"]);
        Assert.True((await Master.GetInstanceAsync(root.Reference, default)).Timestamp > root.Timestamp);

        await Assert.ThrowsAsync<SlapNotFoundException>(() => Master.PublishConnectionParametersAsync("COMP-1", child.PartitionReference!, new Dictionary<string, string>(), shared.Reference, default));
    }

    [Fact]
    public async Task The_trace_context_of_the_request_that_last_changed_an_instance_is_kept_and_given_to_the_node()
    {
        await AddComputerAsync("COMP-1", 2);
        var created = await RequestTracedAsync(Request("db", parameters: new() { ["size"] = "10" }));
        var unchanged = await RequestTracedAsync(Request("db", parameters: new() { ["size"] = "10" }));
        var resized = await RequestTracedAsync(Request("db", parameters: new() { ["size"] = "20" }));

        // Stored as the request's trace context (a span of the caller's trace), kept by an identical re-request.
        Assert.Equal(created.TraceId, TraceIdOf(created.Instance.TraceParent));
        Assert.Equal(created.TraceId, TraceIdOf(unchanged.Instance.TraceParent));
        var stored = await Master.GetInstanceAsync(created.Instance.Reference, default);
        Assert.Equal(resized.TraceId, TraceIdOf(stored.TraceParent));
        var document = await Master.GetComputerDocumentAsync("COMP-1", default);
        Assert.Equal(stored.TraceParent, document.Partitions.Single(p => p.InstanceReference == stored.Reference).TraceParent);
    }

    private async Task<(SoftwareInstance Instance, System.Diagnostics.ActivityTraceId TraceId)> RequestTracedAsync(InstanceRequest request)
    {
        using var caller = new System.Diagnostics.Activity("caller");
        caller.SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = System.Diagnostics.ActivityTraceFlags.Recorded;
        caller.Start();
        return (await Master.RequestAsync(request, default), caller.TraceId);
    }

    private static System.Diagnostics.ActivityTraceId? TraceIdOf(string? traceParent) =>
        SlapTraceContext.TryParse(traceParent, out var context) ? context.TraceId : null;

    [Fact]
    public async Task Bang_bumps_the_whole_tree_and_rename_keeps_the_partition()
    {
        await AddComputerAsync("COMP-1", 3);
        var root = await Master.RequestAsync(Request("root"), default);
        var child = await Master.RequestAsync(Request("child", requester: root.Reference), default);
        var sibling = await Master.RequestAsync(Request("sibling", requester: root.Reference), default);

        await Master.BangAsync("COMP-1", child.PartitionReference!, "service crashed", default);
        foreach (var before in new[] { root, child, sibling })
        {
            Assert.True((await Master.GetInstanceAsync(before.Reference, default)).Timestamp > before.Timestamp);
        }

        var renamed = await Master.RenameAsync("COMP-1", child.PartitionReference!, "child-renamed", default);
        Assert.Equal(("child-renamed", child.PartitionReference), (renamed.Title, renamed.PartitionReference));
        Assert.Equal(child.Reference, (await Master.FindInstanceAsync(root.Reference, "child-renamed", default))!.Reference);
        var clash = await Assert.ThrowsAsync<SlapException>(() => Master.RenameAsync("COMP-1", child.PartitionReference!, "sibling", default));
        Assert.Equal(SlapErrorKind.Conflict, clash.Kind);
    }

    [Fact]
    public async Task Started_stopped_and_error_reports_are_kept()
    {
        await AddComputerAsync("COMP-1", 2);
        var a = await Master.RequestAsync(Request("a"), default);
        var b = await Master.RequestAsync(Request("b"), default);

        await Master.ReportInstanceStateAsync("COMP-1", a.PartitionReference!, ReportedState.Started, null, default);
        await Master.ReportInstanceStateAsync("COMP-1", b.PartitionReference!, ReportedState.Error, "promise check-port failed", default);

        var aNow = await Master.GetInstanceAsync(a.Reference, default);
        var bNow = await Master.GetInstanceAsync(b.Reference, default);
        Assert.Equal((ReportedState.Started, (string?)null), (aNow.ReportedState, aNow.ErrorMessage));
        Assert.Equal((ReportedState.Error, "promise check-port failed"), (bNow.ReportedState, bNow.ErrorMessage));
        Assert.NotNull(bNow.ReportedAt);
        Assert.Equal(b.Timestamp, bNow.Timestamp);

        await Master.ReportInstanceStateAsync("COMP-1", b.PartitionReference!, ReportedState.Stopped, null, default);
        Assert.Equal(ReportedState.Stopped, (await Master.GetInstanceAsync(b.Reference, default)).ReportedState);
    }

    [Fact]
    public async Task The_computer_document_has_releases_partitions_instances_and_timestamps()
    {
        await AddComputerAsync("COMP-1", 3);
        await Master.SupplyAsync("COMP-1", Release, SupplyState.Available, default);
        var root = await Master.RequestAsync(Request("root", parameters: new() { ["x"] = "1" }), default);
        var child = await Master.RequestAsync(Request("child", requester: root.Reference, type: "db"), default);

        var document = await Master.GetComputerDocumentAsync("COMP-1", default);

        Assert.Equal(Release, Assert.Single(document.SoftwareInstallations).SoftwareReleaseUrl);
        Assert.Equal(3, document.Partitions.Count);
        var rootPartition = document.Partitions.Single(p => p.InstanceReference == root.Reference);
        var childPartition = document.Partitions.Single(p => p.InstanceReference == child.Reference);
        var free = document.Partitions.Single(p => p.InstanceReference is null);
        Assert.Equal(("root", "1", root.Timestamp, RequestedState.Started), (rootPartition.RootTitle, rootPartition.Parameters["x"], rootPartition.Timestamp!.Value, rootPartition.RequestedState));
        Assert.Equal(("child", "root", "db"), (childPartition.Title, childPartition.RootTitle, childPartition.SoftwareType));
        Assert.Equal((RequestedState.Destroyed, (InstanceTimestamp?)null), (free.RequestedState, free.Timestamp));
        Assert.NotEmpty(free.Addresses);
        Assert.NotNull((await Master.GetComputerAsync("COMP-1", default)).LastContact);
    }

    [Fact]
    public async Task Usage_is_recorded_and_listed_by_computer_and_period()
    {
        await AddComputerAsync("COMP-1", 1);
        await AddComputerAsync("COMP-2", 1);
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Master.RecordUsageAsync(new UsageReport("COMP-1", [
            new UsageRecord { ComputerReference = "COMP-1", PartitionReference = "slappart0", Start = t0, End = t0.AddHours(1), CpuSeconds = 12.5, MemoryBytes = 1 << 20, DiskBytes = 4096, ProcessCount = 3 },
            new UsageRecord { ComputerReference = "COMP-1", PartitionReference = "slappart0", Start = t0.AddHours(1), End = t0.AddHours(2), CpuSeconds = 1 },
        ]), default);
        await Master.RecordUsageAsync(new UsageReport("COMP-2", [new UsageRecord { ComputerReference = "COMP-2", PartitionReference = "slappart0", Start = t0, End = t0.AddHours(1) }]), default);

        var comp1 = await ListAsync(Master.ListUsageAsync("COMP-1", t0, t0.AddHours(1), default));
        var all = await ListAsync(Master.ListUsageAsync(null, t0, t0.AddDays(1), default));
        var record = Assert.Single(comp1);
        Assert.Equal((12.5, 1L << 20, 4096L, 3, t0), (record.CpuSeconds, record.MemoryBytes, record.DiskBytes, record.ProcessCount, record.Start));
        Assert.Equal(3, all.Count);
        await Assert.ThrowsAsync<SlapValidationException>(() => Master.RecordUsageAsync(new UsageReport("COMP-1", [new UsageRecord { ComputerReference = "COMP-2", PartitionReference = "slappart0", Start = t0, End = t0 }]), default));
    }

    // ---- allocation ----

    [Fact]
    public async Task Computer_guid_places_the_instance_on_the_named_computer()
    {
        await AddComputerAsync("COMP-1", 2);
        await AddComputerAsync("COMP-2", 2);
        var instance = await Master.RequestAsync(Request("pinned", sla: new() { ["computer_guid"] = "COMP-2" }), default);
        Assert.Equal("COMP-2", instance.ComputerReference);
    }

    [Fact]
    public async Task Attributes_in_the_sla_must_match_the_computer()
    {
        await AddComputerAsync("COMP-EU", 2, new() { ["region"] = "eu", ["cpu_architecture"] = "x86_64" });
        await AddComputerAsync("COMP-US", 2, new() { ["region"] = "us", ["cpu_architecture"] = "x86_64" });
        await AddComputerAsync("COMP-ARM", 2, new() { ["region"] = "us", ["cpu_architecture"] = "aarch64" });

        var us = await Master.RequestAsync(Request("us", sla: new() { ["region"] = "us", ["cpu_architecture"] = "x86_64" }), default);
        var arm = await Master.RequestAsync(Request("arm", sla: new() { ["cpu_architecture"] = "aarch64" }), default);
        var none = await Assert.ThrowsAsync<NoFreePartitionException>(() => Master.RequestAsync(Request("none", sla: new() { ["region"] = "eu", ["cpu_architecture"] = "aarch64" }), default));

        Assert.Equal("COMP-US", us.ComputerReference);
        Assert.Equal("COMP-ARM", arm.ComputerReference);
        Assert.Equal(3, none.Candidates);
        Assert.Contains("attributes eliminated 3", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_price_filters_expensive_computers_and_prefers_the_cheapest()
    {
        await AddComputerAsync("COMP-CHEAP", 2, new() { ["price"] = "0.10" });
        await AddComputerAsync("COMP-MID", 2, new() { ["price"] = "0.50" });
        await AddComputerAsync("COMP-DEAR", 2, new() { ["price"] = "2.00" });

        var first = await Master.RequestAsync(Request("a", sla: new() { ["max_price"] = "1" }), default);
        var second = await Master.RequestAsync(Request("b", sla: new() { ["max_price"] = "1" }), default);
        var third = await Master.RequestAsync(Request("c", sla: new() { ["max_price"] = "1" }), default);
        var error = await Assert.ThrowsAsync<NoFreePartitionException>(() => Master.RequestAsync(Request("d", sla: new() { ["max_price"] = "0.05" }), default));

        Assert.Equal(["COMP-CHEAP", "COMP-CHEAP", "COMP-MID"], new[] { first, second, third }.Select(i => i.ComputerReference));
        Assert.Equal("no free partition for 'd': 3 candidates; capacity eliminated 1; max_price eliminated 2", error.Message);
        await Assert.ThrowsAsync<SlapValidationException>(() => Master.RequestAsync(Request("e", sla: new() { ["max_price"] = "cheap" }), default));
    }

    [Fact]
    public async Task Computers_with_the_release_installed_are_preferred()
    {
        await AddComputerAsync("COMP-1", 5);
        await AddComputerAsync("COMP-2", 5);
        await Master.SupplyAsync("COMP-2", Release, SupplyState.Available, default);
        await Master.ReportSoftwareInstallationAsync("COMP-2", Release, SoftwareInstallationState.Available, null, default);

        var a = await Master.RequestAsync(Request("a"), default);
        var b = await Master.RequestAsync(Request("b", release: OtherRelease), default);

        Assert.Equal("COMP-2", a.ComputerReference);
        Assert.Equal("COMP-1", b.ComputerReference);
    }

    [Fact]
    public async Task Spread_uses_every_computer_and_bin_pack_fills_one_first()
    {
        await AddComputerAsync("COMP-1", 4);
        await AddComputerAsync("COMP-2", 4);
        await AddComputerAsync("COMP-3", 4);
        var spread = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            spread.Add((await Master.RequestAsync(Request($"s{i}"), default)).ComputerReference);
        }

        var (packer, _) = await BuildAsync(new() { ["SlapOS:Master:Allocation:Strategy"] = "BinPack" });
        var packed = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            packed.Add((await packer.RequestAsync(Request($"p{i}"), default)).ComputerReference);
        }

        Assert.Equal(3, spread.Distinct().Count());
        Assert.Single(packed.Distinct());
    }

    [Fact]
    public async Task When_nothing_fits_the_error_explains_each_policy()
    {
        await AddComputerAsync("COMP-1", 1);
        await AddComputerAsync("COMP-2", 1, new() { ["region"] = "eu" });
        await Master.RequestAsync(Request("fill", sla: new() { ["computer_guid"] = "COMP-1" }), default);

        var before = await SnapshotAsync();
        var error = await Assert.ThrowsAsync<NoFreePartitionException>(() => Master.RequestAsync(Request("x", sla: new() { ["computer_guid"] = "COMP-1" }), default));

        Assert.Equal(SlapErrorKind.NoCapacity, error.Kind);
        Assert.Equal(2, error.Candidates);
        Assert.Equal("no free partition for 'x': 2 candidates; computer_guid eliminated 1; capacity eliminated 1", error.Message);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_plugin_written_against_the_public_contract_filters_and_scores()
    {
        await AddComputerAsync("COMP-RED-S", 2, new() { ["owner_team"] = "red" });
        await AddComputerAsync("COMP-RED-L", 6, new() { ["owner_team"] = "red" });
        await AddComputerAsync("COMP-BLUE", 9, new() { ["owner_team"] = "blue" });
        var (master, _) = await BuildAsync(
            new() { ["SlapOS:Master:Allocation:Weights:team"] = "10", ["SlapOS:Master:Allocation:NonAttributeSlaKeys:0"] = "team" },
            m => m.AddAllocationPolicy<TeamPolicy>());

        var red = await master.RequestAsync(Request("red", sla: new() { ["team"] = "red" }), default);
        var none = await Assert.ThrowsAsync<NoFreePartitionException>(() => master.RequestAsync(Request("green", sla: new() { ["team"] = "green" }), default));

        Assert.Equal("COMP-RED-L", red.ComputerReference);
        Assert.Contains("team eliminated 3", none.Message, StringComparison.Ordinal);
    }

    // ---- bad input changes nothing ----

    [Fact]
    public async Task An_unknown_computer_in_the_sla_is_not_found_and_changes_nothing()
    {
        await AddComputerAsync("COMP-1", 2);
        var before = await SnapshotAsync();

        var error = await Assert.ThrowsAsync<SlapNotFoundException>(() => Master.RequestAsync(Request("x", sla: new() { ["computer_guid"] = "COMP-GHOST" }), default));

        Assert.Equal(("computer", "COMP-GHOST"), (error.What, error.Reference));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task An_sla_key_no_computer_carries_is_a_validation_error_and_changes_nothing()
    {
        await AddComputerAsync("COMP-1", 2, new() { ["region"] = "eu" });
        var before = await SnapshotAsync();

        var error = await Assert.ThrowsAsync<SlapValidationException>(() => Master.RequestAsync(Request("x", sla: new() { ["colour"] = "blue" }), default));

        Assert.Equal("sla.colour", error.Field);
        Assert.Contains("no computer has the attribute 'colour'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("title")]
    [InlineData("requester")]
    [InlineData("software_release")]
    [InlineData("software_type")]
    [InlineData("parameters")]
    public async Task Invalid_references_and_oversized_parameters_are_rejected_and_change_nothing(string field)
    {
        await AddComputerAsync("COMP-1", 2);
        await Master.RequestAsync(Request("existing", parameters: new() { ["a"] = "1" }), default);
        var before = await SnapshotAsync();
        var request = field switch
        {
            "title" => Request("bad\u0001title"),
            "requester" => Request("x", requester: ""),
            "software_release" => Request("x", release: "https://lab.example/../../etc/passwd"),
            "software_type" => Request("x", type: "../escape"),
            _ => Request("existing", parameters: new() { ["a"] = new string('x', 2 * 1024 * 1024) }),
        };

        var error = await Assert.ThrowsAsync<SlapValidationException>(() => Master.RequestAsync(request, default));

        Assert.Equal(field, error.Field);
        Assert.Equal(before, await SnapshotAsync());
        await Assert.ThrowsAsync<SlapValidationException>(() => Master.FormatComputerAsync(new ComputerFormat("COMP-1", null, null, [Partition("COMP-1", 0) with { Reference = "../slappart0" }]), default));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_forwarded_instance_and_its_record_are_written_read_and_deleted_together()
    {
        var records = Assert.IsAssignableFrom<IForwardedInstanceStore>(Store);
        var instance = new SoftwareInstance
        {
            Reference = "SOFTINST-FWD-1",
            Title = "forwarded",
            RequesterReference = InstanceRequest.RootRequester,
            RootReference = "SOFTINST-FWD-1",
            SoftwareReleaseUrl = Release,
            Sla = new Dictionary<string, string> { ["master_url"] = "https://b.example/" },
            ConnectionParameters = new Dictionary<string, string> { ["url"] = "https://b.example/app" },
            Timestamp = InstanceTimestamp.Next(DateTimeOffset.UtcNow),
        };
        var synced = DateTimeOffset.UnixEpoch.AddTicks((DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 * 10);
        var record = new ForwardedInstance
        {
            InstanceReference = instance.Reference,
            MasterUrl = "https://b.example/",
            ExternalTitle = "forwarded",
            ExternalReference = "SOFTINST-ON-B",
            ExternalComputerReference = "COMP-B",
            ExternalPartitionReference = "slappart3",
            SyncedAt = synced,
        };

        await records.InsertForwardedInstanceAsync(instance, record, default);
        Assert.Equal(record, await records.GetForwardedInstanceAsync(instance.Reference, default));
        var stored = await Store.FindInstanceAsync(InstanceRequest.RootRequester, "forwarded", default);
        Assert.NotNull(stored);
        Assert.Null(stored.PartitionReference);
        Assert.Equal("https://b.example/app", stored.ConnectionParameters["url"]);
        var duplicate = await Assert.ThrowsAsync<SlapException>(() => records.InsertForwardedInstanceAsync(instance with { Reference = "SOFTINST-FWD-2" }, record with { InstanceReference = "SOFTINST-FWD-2" }, default));
        Assert.Equal(SlapErrorKind.Conflict, duplicate.Kind);
        Assert.Null(await records.GetForwardedInstanceAsync("SOFTINST-FWD-2", default));

        await records.UpdateForwardedInstanceAsync(record with { LastError = "connection refused" }, default);
        Assert.Equal("connection refused", (await records.GetForwardedInstanceAsync(instance.Reference, default))!.LastError);
        var listed = new List<ForwardedInstance>();
        await foreach (var item in records.ListForwardedInstancesAsync(default))
        {
            listed.Add(item);
        }

        Assert.Equal([instance.Reference], listed.Select(f => f.InstanceReference));

        await records.DeleteForwardedInstanceAsync(instance.Reference, default);
        Assert.Null(await records.GetForwardedInstanceAsync(instance.Reference, default));
        Assert.Null(await Store.GetInstanceAsync(instance.Reference, default));
    }
    [Fact]
    public async Task The_capacity_of_each_computer_counts_used_reserved_and_free_partitions_in_one_aggregate()
    {
        await AddComputerAsync("COMP-1", 3);
        await AddComputerAsync("COMP-2", 2);
        await Master.RequestAsync(Request("a", sla: new() { ["computer_guid"] = "COMP-1" }), default);
        var b = await Master.RequestAsync(Request("b", sla: new() { ["computer_guid"] = "COMP-1" }), default);
        await Master.RequestAsync(Request("c", sla: new() { ["computer_guid"] = "COMP-2" }), default);
        await Master.RequestAsync(Request("b", sla: new() { ["computer_guid"] = "COMP-1" }, state: RequestedState.Destroyed), default);

        var capacity = await Master.ListComputerCapacityAsync(default);
        Assert.Equal(["COMP-1", "COMP-2"], capacity.Select(c => c.ComputerReference));
        Assert.Equal((3, 1, 1, 1), (capacity[0].TotalPartitions, capacity[0].UsedPartitions, capacity[0].ReservedPartitions, capacity[0].FreePartitions));
        Assert.Equal((2, 1, 0, 1), (capacity[1].TotalPartitions, capacity[1].UsedPartitions, capacity[1].ReservedPartitions, capacity[1].FreePartitions));
        Assert.True(capacity[0].AllocationOpen);

        // Once the node wiped it, the reserved partition is free again.
        await Master.ReportDestroyedAsync("COMP-1", b.PartitionReference!, default);
        var after = (await Master.ListComputerCapacityAsync(default)).Single(c => c.ComputerReference == "COMP-1");
        Assert.Equal((3, 1, 0, 2), (after.TotalPartitions, after.UsedPartitions, after.ReservedPartitions, after.FreePartitions));
    }

    [Fact]
    public async Task A_request_nothing_can_host_names_the_computers_each_policy_eliminated()
    {
        await AddComputerAsync("COMP-1", 1);
        await AddComputerAsync("COMP-2", 1);
        await Master.RequestAsync(Request("fill", sla: new() { ["computer_guid"] = "COMP-1" }), default);

        var refused = await Assert.ThrowsAsync<NoFreePartitionException>(() => Master.RequestAsync(Request("nowhere", sla: new() { ["computer_guid"] = "COMP-1" }), default));

        Assert.Equal(2, refused.Candidates);
        Assert.Equal(["COMP-2"], refused.Eliminations.Single(e => e.Policy == "computer_guid").Computers);
        Assert.Equal(["COMP-1"], refused.Eliminations.Single(e => e.Policy == "capacity").Computers);
    }
}
