using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;
using SlapOS.Master.Allocation;
using SlapOS.Master.Api.Json;
using SlapOS.Providers.Storage;
using SlapOS.Providers.Storage.Counting;

namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>
/// Every request path that answers for one instance (request, re-request, instance lookup, one partition's
/// document, bang, report, connection parameters, a child request) runs as many statements and reads as many rows
/// on a computer of <see cref="Large"/> partitions as on one of <see cref="Small"/>, counted by the store's own
/// <see cref="SqlMasterStore.ReadCounter"/> around its real connections. Subclasses choose the store.
/// </summary>
public abstract class RequestPathCostTests : IAsyncLifetime
{
    private const int Small = 10;
    private const int Large = 300;
    private const string Release = "https://lab.example/software/kvm/software.cfg";

    private ServiceProvider? _provider;

    private ISlapMaster Master { get; set; } = null!;

    private SqlMasterStore Store { get; set; } = null!;

    /// <summary>Chooses the store under test on <paramref name="builder"/> (a fresh database for this test).</summary>
    protected abstract void UseStore(ISlapOSMasterBuilder builder);

    protected abstract Task CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSlapOSMaster(UseStore);
        _provider = services.BuildServiceProvider();
        var store = _provider.GetRequiredService<IMasterStore>();
        await store.MigrateAsync(default);
        Master = _provider.GetRequiredService<ISlapMaster>();
        Store = (SqlMasterStore)store;
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    [Fact]
    public async Task Request_paths_cost_the_same_on_a_computer_of_10_and_of_300_partitions()
    {
        await FillAsync("SMALL", Small);
        await FillAsync("LARGE", Large);
        var counter = new StoreReadCounter();
        Store.ReadCounter = counter;

        var small = await MeasureAsync("SMALL", counter);
        var large = await MeasureAsync("LARGE", counter);

        Assert.Equal(small.Keys, large.Keys);
        Assert.All(small, path =>
        {
            Assert.True(path.Value.Statements > 0, $"{path.Key} ran no counted statement");
            Assert.True(large[path.Key] == path.Value, $"{path.Key}: {path.Value} on {Small} partitions, {large[path.Key]} on {Large}");
        });
    }

    [Fact]
    public async Task The_counter_sees_every_row_a_whole_computer_read_costs()
    {
        // The counter is honest: reading the whole large computer counts each of its partitions.
        await FillAsync("LARGE", Large);
        var counter = new StoreReadCounter();
        Store.ReadCounter = counter;

        var partitions = await Master.ListPartitionsAsync("LARGE", default);

        Assert.Equal(Large, partitions.Count);
        Assert.True(counter.Rows >= Large, $"{counter.Rows} rows counted for {Large} partitions");
        Assert.True(counter.Statements >= 1);
    }

    /// <summary>A computer whose partitions are all taken but two, by instances of one requester each.</summary>
    private async Task FillAsync(string computer, int partitions)
    {
        await Master.RegisterComputerAsync(new Computer { Reference = computer }, default);
        await Master.FormatComputerAsync(new ComputerFormat(computer, "10.0.0.1", "255.255.255.0",
            [.. Enumerable.Range(0, partitions).Select(i => new ComputerPartition
            {
                ComputerReference = computer,
                Reference = $"slappart{i}",
                Addresses = [new PartitionAddress($"10.{i / 250}.{i % 250}.2", "255.255.255.0", "lo")],
            })]), default);
        for (var i = 0; i < partitions - 2; i++)
        {
            await Master.RequestAsync(Request(computer, $"{computer}-filler-{i}"), default);
        }
    }

    /// <summary>Runs each path once on <paramref name="computer"/> and returns what each cost.</summary>
    private async Task<Dictionary<string, (long Statements, long Rows)>> MeasureAsync(string computer, StoreReadCounter counter)
    {
        var costs = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        SoftwareInstance instance = null!;

        await Measure("request a new instance and answer it", async () =>
        {
            instance = await Master.RequestAsync(Request(computer, "tree"), default);
            await JsonDocuments.InstanceAsync(Master, instance, default, hostAddresses: true);
        });
        var partition = instance.PartitionReference!;
        await Measure("re-request unchanged and answer it", async () =>
            await JsonDocuments.InstanceAsync(Master, await Master.RequestAsync(Request(computer, "tree"), default), default, hostAddresses: true));
        await Measure("re-request with new parameters", () =>
            Master.RequestAsync(Request(computer, "tree", new() { ["size"] = "2" }), default));
        await Measure("look an instance up and answer it", async () =>
            await JsonDocuments.InstanceAsync(Master, await Master.GetInstanceAsync(instance.Reference, default), default));
        await Measure("one partition by key", () => Master.FindPartitionAsync(computer, partition, default));
        await Measure("one partition's document", () => Master.GetPartitionDocumentAsync(computer, partition, default));
        await Measure("the partition's own instance", () => Master.GetPartitionInstanceAsync(computer, partition, default));
        await Measure("report started", () => Master.ReportInstanceStateAsync(computer, partition, ReportedState.Started, null, default));
        await Measure("publish connection parameters", () =>
            Master.PublishConnectionParametersAsync(computer, partition, new Dictionary<string, string> { ["url"] = "https://" + computer }, null, default));
        await Measure("request a child", () =>
            Master.RequestAsync(Request(computer, "child", requester: instance.Reference), default));
        await Measure("bang the tree", () => Master.BangAsync(computer, partition, "bang", default));
        return costs;

        async Task Measure(string path, Func<Task> run)
        {
            counter.Reset();
            await run();
            costs[path] = counter.Snapshot();
        }
    }

    private static InstanceRequest Request(string computer, string title, Dictionary<string, string>? parameters = null, string requester = InstanceRequest.RootRequester) => new()
    {
        Title = title,
        RequesterReference = requester == InstanceRequest.RootRequester ? "owner-" + computer : requester,
        SoftwareReleaseUrl = Release,
        SoftwareType = "default",
        Parameters = parameters ?? [],
        Sla = new Dictionary<string, string> { [SlaKeys.ComputerGuid] = computer },
        State = RequestedState.Started,
    };
}
