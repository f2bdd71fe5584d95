namespace SlapOS.ScaleDriver;

/// <summary>
/// Two master processes (<c>master-a</c>, which sets the cloud up, and <c>master-b</c>; each its own connection pool) on a
/// fresh database of one PostgreSQL server, for the scenarios that measure masters sharing a store. Disposing stops both
/// and drops the database.
/// </summary>
internal sealed class MasterPair : IAsyncDisposable
{
    private readonly string _server;

    private MasterPair(string server, string database, MasterProcess a, MasterProcess b)
    {
        _server = server;
        Database = database;
        A = a;
        B = b;
    }

    /// <summary>The connection string of the pair's database.</summary>
    public string Database { get; }

    public MasterProcess A { get; }

    public MasterProcess B { get; }

    /// <summary>Starts A with <c>--setup</c> and <paramref name="setup"/> (computers, partitions, allocations), then B.</summary>
    public static async Task<MasterPair> StartAsync(string server, IEnumerable<string> setup, TimeSpan setupTimeout)
    {
        var database = await PostgresDatabases.CreateAsync(server);
        MasterProcess? a = null;
        try
        {
            a = await MasterProcess.StartAsync(["--postgres", database, "--name", "master-a", "--setup", .. setup], setupTimeout);
            var b = await MasterProcess.StartAsync(["--postgres", database, "--name", "master-b"], TimeSpan.FromMinutes(1));
            return new MasterPair(server, database, a, b);
        }
        catch
        {
            if (a is not null)
            {
                await a.DisposeAsync();
            }

            await PostgresDatabases.DropAsync(server, database);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await PostgresDatabases.DropAsync(_server, Database);
    }
}
