using Npgsql;

namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>The conformance suite on the PostgreSQL server the test command starts: a fresh database per test.</summary>
public sealed class PostgreSqlMasterConformanceTests : MasterConformanceTests
{
    private string _connectionString = "";

    protected override void UseStore(ISlapOSMasterBuilder builder) => builder.UsePostgreSql(_connectionString);

    protected override async Task CreateDatabaseAsync() => _connectionString = await PostgresDatabase.CreateDatabaseAsync("master");

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override Task DropDatabaseAsync() => PostgresDatabase.DropDatabaseAsync(_connectionString);
}
