using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;
using SlapOS.Providers.Storage;
using SlapOS.Providers.Storage.Counting;

namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>
/// On PostgreSQL a reservation is one statement committed on its own (<c>allocation.reserve</c>): one round trip
/// whether it takes a partition or loses the race, and a lost race writes nothing (free count and stamp unchanged).
/// </summary>
public sealed class PostgreSqlOneStatementAllocationTests : IAsyncLifetime
{
    private const string Release = "https://lab.example/software/kvm/software.cfg";
    private string _connectionString = "";
    private ServiceProvider? _provider;

    public async Task InitializeAsync() => _connectionString = await PostgresDatabase.CreateDatabaseAsync("onestmt");

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await PostgresDatabase.DropDatabaseAsync(_connectionString);
    }

    [Fact]
    public async Task A_reservation_is_one_statement_and_a_lost_one_writes_nothing()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSlapOSMaster(m => m.UsePostgreSql(_connectionString));
        _provider = services.BuildServiceProvider();
        var store = (SqlMasterStore)_provider.GetRequiredService<IMasterStore>();
        await store.MigrateAsync(default);
        var master = _provider.GetRequiredService<ISlapMaster>();
        await master.RegisterComputerAsync(new Computer { Reference = "ONE" }, default);
        await master.FormatComputerAsync(new ComputerFormat("ONE", null, null,
            [.. Enumerable.Range(0, 2).Select(i => new ComputerPartition { ComputerReference = "ONE", Reference = $"slappart{i}", Addresses = [] })]), default);
        var counter = new StoreReadCounter();
        store.ReadCounter = counter;

        var stampBefore = await store.GetChangeStampAsync("ONE", default);
        counter.Reset();
        var first = await store.TryReservePartitionAsync("ONE", Instance("first"), default);
        Assert.Equal(1, counter.Statements);
        Assert.Equal(("ONE", "slappart0"), (first?.ComputerReference, first?.PartitionReference));
        Assert.NotEqual(stampBefore, await store.GetChangeStampAsync("ONE", default));
        Assert.Equal("slappart0", (await store.GetInstanceAsync(first!.Reference, default))?.PartitionReference);

        var second = await store.TryReservePartitionAsync("ONE", Instance("second"), default);
        Assert.Equal("slappart1", second?.PartitionReference);

        // Full: the statement finds nothing to take and leaves the computer as it was.
        var stampFull = await store.GetChangeStampAsync("ONE", default);
        counter.Reset();
        Assert.Null(await store.TryReservePartitionAsync("ONE", Instance("third"), default));
        Assert.Equal(1, counter.Statements);
        Assert.Equal(stampFull, await store.GetChangeStampAsync("ONE", default));
        Assert.Null(await store.GetInstanceAsync("third", default));
        var capacity = Assert.Single(await store.ListComputerCapacityAsync(default), c => c.ComputerReference == "ONE");
        Assert.Equal((2, 0), (capacity.TotalPartitions, capacity.FreePartitions));

        // A title taken twice is refused as a conflict, and the partition stays free.
        await store.DeleteInstanceAndFreePartitionAsync(second!.Reference, default);
        var duplicate = await Assert.ThrowsAsync<SlapException>(() => store.TryReservePartitionAsync("ONE", Instance("first") with { Reference = "other" }, default));
        Assert.Equal(SlapErrorKind.Conflict, duplicate.Kind);
        capacity = Assert.Single(await store.ListComputerCapacityAsync(default), c => c.ComputerReference == "ONE");
        Assert.Equal(1, capacity.FreePartitions);
    }

    private static SoftwareInstance Instance(string title) => new()
    {
        Reference = title,
        Title = title,
        RequesterReference = "owner",
        RootReference = title,
        SoftwareReleaseUrl = Release,
        SoftwareType = "default",
        Parameters = new Dictionary<string, string>(),
        Sla = new Dictionary<string, string>(),
        RequestedState = RequestedState.Started,
        Timestamp = new InstanceTimestamp(1),
    };
}
