using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>Two masters on one SQLite file: each polls the change stamps every 250 ms.</summary>
public sealed class SqliteCrossMasterChangeTests(ITestOutputHelper output) : CrossMasterChangeTests(output)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-xmaster-").FullName;

    private string Path => System.IO.Path.Combine(_directory, "master.db");

    protected override void UseStore(ISlapOSMasterBuilder master) => master.UseSqlite(Path);

    protected override Task DropStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// SQLite has no signal besides the poll, so "silent" here means a stamp no poll can see as newer: moved
    /// backwards. Only the stored truth read at the timeout can answer it.
    /// </summary>
    protected override async Task BumpStampSilentlyAsync(string computer)
    {
        await using var connection = new SqliteConnection($"Data Source={Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE computers SET change_stamp = -change_stamp - 1 WHERE reference = $c";
        command.Parameters.AddWithValue("$c", computer);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
