using Microsoft.Data.SqlClient;
using SlapOS.Integration.Tests.MasterEngine;

namespace SlapOS.Providers.SqlServer.Tests.MasterEngine;

/// <summary>
/// The conformance suite on SQL Server: a fresh database per scenario. Deliberately not public, so xunit
/// does not discover the base's [Fact]s on it directly (they would fail without a server): the public
/// <see cref="SqlServerMasterConformanceTests"/> runs each scenario under a skippable theory instead.
/// </summary>
internal sealed class SqlServerConformanceRun : MasterConformanceTests
{
    private string _connectionString = "";

    protected override void UseStore(ISlapOSMasterBuilder builder) => builder.UseSqlServer(_connectionString);

    protected override async Task CreateDatabaseAsync() => _connectionString = await SqlServerDatabase.CreateDatabaseAsync("slapos_master");

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override Task DropDatabaseAsync() => SqlServerDatabase.DropDatabaseAsync(_connectionString);
}
