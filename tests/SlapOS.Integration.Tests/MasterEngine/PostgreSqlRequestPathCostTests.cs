namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>The request-path cost tests on the PostgreSQL server the test command starts: a fresh database per test.</summary>
public sealed class PostgreSqlRequestPathCostTests : RequestPathCostTests
{
    private string _connectionString = "";

    protected override void UseStore(ISlapOSMasterBuilder builder) => builder.UsePostgreSql(_connectionString);

    protected override async Task CreateDatabaseAsync() => _connectionString = await PostgresDatabase.CreateDatabaseAsync("cost");

    protected override Task DropDatabaseAsync() => PostgresDatabase.DropDatabaseAsync(_connectionString);
}
