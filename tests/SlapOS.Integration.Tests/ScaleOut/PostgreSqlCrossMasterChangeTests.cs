using Npgsql;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>Two masters on one PostgreSQL database: LISTEN/NOTIFY carries the wake-ups.</summary>
public sealed class PostgreSqlCrossMasterChangeTests(ITestOutputHelper output) : CrossMasterChangeTests(output)
{
    private string _connectionString = string.Empty;

    protected override async Task CreateStoreAsync() => _connectionString = await PostgresDatabase.CreateDatabaseAsync("slapos_xmaster");

    protected override Task DropStoreAsync() => PostgresDatabase.DropDatabaseAsync(_connectionString);

    protected override void UseStore(ISlapOSMasterBuilder master) => master.UsePostgreSql(_connectionString);

    protected override async Task BumpStampSilentlyAsync(string computer)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE computers SET change_stamp = change_stamp + 1000000 WHERE reference = @c", connection);
        command.Parameters.AddWithValue("c", computer);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
