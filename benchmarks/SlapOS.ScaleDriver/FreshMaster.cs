namespace SlapOS.ScaleDriver;

/// <summary>
/// A master process of its own for one row of a scenario, set up with <c>--setup</c> and the given arguments: on SQLite
/// in a temporary directory, or on a new database of the PostgreSQL server given by <c>--postgres</c>. Disposing it
/// stops the master and removes the directory and the database.
/// </summary>
internal sealed class FreshMaster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string? _server;
    private readonly string? _database;

    private FreshMaster(MasterProcess process, string directory, string? server, string? database)
    {
        Process = process;
        _directory = directory;
        _server = server;
        _database = database;
    }

    public MasterProcess Process { get; }

    public static async Task<FreshMaster> StartAsync(string? postgres, IEnumerable<string> setup, TimeSpan timeout)
    {
        var directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
        string? database = null;
        try
        {
            database = postgres is null ? null : await PostgresDatabases.CreateAsync(postgres);
            string[] store = database is null ? ["--sqlite", Path.Combine(directory, "master.db")] : ["--postgres", database];
            var process = await MasterProcess.StartAsync([.. store, "--setup", .. setup], timeout);
            return new FreshMaster(process, directory, postgres, database);
        }
        catch
        {
            await RemoveAsync(directory, postgres, database);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await RemoveAsync(_directory, _server, _database);
    }

    private static async Task RemoveAsync(string directory, string? server, string? database)
    {
        Directory.Delete(directory, recursive: true);
        if (server is not null && database is not null)
        {
            await PostgresDatabases.DropAsync(server, database);
        }
    }
}
