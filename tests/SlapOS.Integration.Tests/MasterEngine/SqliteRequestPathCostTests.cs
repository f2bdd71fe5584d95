using Microsoft.Data.Sqlite;

namespace SlapOS.Integration.Tests.MasterEngine;

/// <summary>The request-path cost tests on SQLite: a temp file per test.</summary>
public sealed class SqliteRequestPathCostTests : RequestPathCostTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "slapos-cost-" + Guid.NewGuid().ToString("N"));

    protected override void UseStore(ISlapOSMasterBuilder builder) => builder.UseSqlite(Path.Combine(_directory, "master.db"));

    protected override Task CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
