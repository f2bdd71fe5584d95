using Npgsql;

namespace SlapOS.Integration.Tests;

public class PostgresSmokeTests
{
    [Fact]
    public async Task The_server_started_by_the_test_command_answers_a_query()
    {
        await using var connection = new NpgsqlConnection(PostgresDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000, 6 * 7", connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(15, reader.GetInt32(0));
        Assert.Equal(42, reader.GetInt32(1));
    }

    [Fact]
    public async Task A_fresh_database_can_be_created_for_a_test()
    {
        var connectionString = await PostgresDatabase.CreateDatabaseAsync("smoke");
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE t (x int); INSERT INTO t VALUES (1); SELECT count(*) FROM t", connection);

            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
        finally
        {
            await PostgresDatabase.DropDatabaseAsync(connectionString);
        }
    }
}
