using Microsoft.Data.Sqlite;

namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>The conformance suite on SQLite: a temp file per test.</summary>
public sealed class SqliteMasterConformanceTests : MasterConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "slapos-master-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "master.db");

    protected override void UseStore(ISlapOSMasterBuilder builder) => builder.UseSqlite(DatabasePath);

    protected override Task CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_is_one_file_in_wal_mode()
    {
        await AddComputerAsync("COMP-1", 1);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_change_made_by_another_connection_is_seen_by_the_next_allocation()
    {
        await AddComputerAsync("COMP-1", 2);
        await Master.RequestAsync(Request("first"), default);

        await ExecuteSqlAsync("UPDATE computers SET allocation_open = 0 WHERE reference = 'COMP-1'");
        var error = await Assert.ThrowsAsync<NoFreePartitionException>(() => Master.RequestAsync(Request("second"), default));

        Assert.Equal("no free partition for 'second': 1 candidates; capacity eliminated 1", error.Message);
    }
}
