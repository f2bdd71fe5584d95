using System.Net;
using SlapOS.Tests;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>/health/live and /health/ready on a master host: ready means the store answers and is migrated.</summary>
public sealed class MasterHealthTests
{
    [Fact]
    public async Task Ready_follows_the_store_while_live_stays_up_and_recovers_without_restart()
    {
        await using var postgres = await PrivatePostgres.StartAsync(55542);
        var connectionString = postgres.ConnectionString;
        await using var master = await SharedStoreMaster.StartAsync(m => m.UsePostgreSql(connectionString));

        Assert.Equal(HttpStatusCode.OK, (await master.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await master.Http.GetAsync("/health/ready")).StatusCode);

        await postgres.KillAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await master.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await master.Http.GetAsync("/health/live")).StatusCode);

        await postgres.StartAgainAsync();
        Assert.Equal(HttpStatusCode.OK, (await master.Http.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_store_without_its_migrations_is_not_ready()
    {
        var directory = Directory.CreateTempSubdirectory("slapos-health-").FullName;
        try
        {
            await using (var master = await SharedStoreMaster.StartAsync(m => m.UseSqlite(Path.Combine(directory, "master.db")), configure: c => c["SlapOS:Master:AutoMigrate"] = "false"))
            {
                var ready = await master.Http.GetAsync("/health/ready");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await master.Http.GetAsync("/health/live")).StatusCode);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
