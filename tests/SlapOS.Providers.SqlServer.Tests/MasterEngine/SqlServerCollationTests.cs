using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Providers.SqlServer.Tests.MasterEngine;

/// <summary>References are binary-collated: ordinal as in the other stores, whatever the database's collation (needs <c>SLAPOS_TEST_SQLSERVER</c>).</summary>
public sealed class SqlServerCollationTests
{
    [SqlServerFact]
    public async Task References_compare_ordinally_even_in_a_case_insensitive_database()
    {
        // Most servers default to a case-insensitive collation: make sure this database has one.
        var database = await SqlServerDatabase.CreateDatabaseAsync("slapos_collation", "SQL_Latin1_General_CP1_CI_AS");
        var providers = new List<ServiceProvider>();
        try
        {
            var master = await SqlServerConcurrentAllocationTests.StartMasterAsync(database, "slapos-collation", providers);
            await master.RegisterComputerAsync(new Computer { Reference = "COMP-a" }, default);
            await master.RegisterComputerAsync(new Computer { Reference = "COMP-A" }, default);
            await master.RegisterComputerAsync(new Computer { Reference = "COMP-B" }, default);
            var store = providers[0].GetRequiredService<IMasterStore>();

            var references = new List<string>();
            await foreach (var computer in store.ListComputersAsync(default))
            {
                references.Add(computer.Reference);
            }

            Assert.Equal(["COMP-A", "COMP-B", "COMP-a"], references);
            Assert.Null(await store.GetComputerAsync("comp-a", default));
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }

            await SqlServerDatabase.DropDatabaseAsync(database);
        }
    }
}
