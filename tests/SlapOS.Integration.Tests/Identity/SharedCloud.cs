namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// Several mutual-TLS masters of one cloud: one store (a fresh PostgreSQL database, or one SQLite file) and one CA
/// directory, as an operator mounts it on every master. Masters can be stopped and started again.
/// </summary>
public sealed class SharedCloud : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-shared-").FullName;
    private readonly List<MtlsMaster> _masters = [];
    private string? _postgres;

    private SharedCloud(string store) => Store = store;

    /// <summary>"postgresql" or "sqlite".</summary>
    public string Store { get; }

    public string CaDirectory => Path.Combine(_directory, "ca");

    public static async Task<SharedCloud> CreateAsync(string store)
    {
        var cloud = new SharedCloud(store);
        if (store == "postgresql")
        {
            cloud._postgres = await PostgresDatabase.CreateDatabaseAsync("slapos_identity");
        }

        return cloud;
    }

    /// <summary>Starts one more master on the shared store and CA (<paramref name="services"/>: registered before the master's).</summary>
    public async Task<MtlsMaster> StartMasterAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var master = await MtlsMaster.StartSharedAsync(Configure, CaDirectory, settings, services: services);
        _masters.Add(master);
        return master;
    }

    /// <summary>Stops a master (as a restart would); what it knew must survive in the store.</summary>
    public async Task StopAsync(MtlsMaster master)
    {
        _masters.Remove(master);
        await master.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var master in _masters)
        {
            await master.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await PostgresDatabase.DropDatabaseAsync(_postgres);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private void Configure(ISlapOSMasterBuilder master)
    {
        if (_postgres is not null)
        {
            master.UsePostgreSql(_postgres);
        }
        else
        {
            master.UseSqlite(Path.Combine(_directory, "master.db"));
        }
    }
}
