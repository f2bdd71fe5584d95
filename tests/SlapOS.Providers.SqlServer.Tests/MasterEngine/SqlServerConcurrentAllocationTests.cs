using System.Collections.Concurrent;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;

namespace SlapOS.Providers.SqlServer.Tests.MasterEngine;

/// <summary>
/// Two master engines with their own connection pools on one SQL Server database, 8 requesters each: more
/// requests than partitions, and never a partition given twice (needs <c>SLAPOS_TEST_SQLSERVER</c>).
/// </summary>
public sealed class SqlServerConcurrentAllocationTests
{
    private const string Release = "https://lab.example/software/kvm/software.cfg";

    [SqlServerFact]
    public async Task Two_masters_allocate_1500_partitions_to_2000_requests_exactly_once()
    {
        // Set up inside the test (not IAsyncLifetime) so that nothing touches a server when the test is skipped.
        var database = await SqlServerDatabase.CreateDatabaseAsync("slapos_race");
        var providers = new List<ServiceProvider>();
        try
        {
            var masterA = await StartMasterAsync(database, "slapos-master-a", providers);
            var masterB = await StartMasterAsync(database, "slapos-master-b", providers);
            for (var c = 0; c < 15; c++)
            {
                var reference = $"COMP-{c:D2}";
                await masterA.RegisterComputerAsync(new Computer { Reference = reference }, default);
                await masterA.FormatComputerAsync(new ComputerFormat(reference, null, null,
                    [.. Enumerable.Range(0, 100).Select(i => new ComputerPartition { ComputerReference = reference, Reference = $"slappart{i}" })]), default);
            }

            var titles = new ConcurrentQueue<string>(Enumerable.Range(0, 2000).Select(i => $"instance-{i:D4}"));
            var allocated = new ConcurrentBag<SoftwareInstance>();
            var refused = new ConcurrentBag<string>();
            var failures = new ConcurrentBag<Exception>();
            var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                var master = w % 2 == 0 ? masterA : masterB;
                while (titles.TryDequeue(out var title))
                {
                    try
                    {
                        allocated.Add(await master.RequestAsync(new InstanceRequest { Title = title, SoftwareReleaseUrl = Release }, default));
                    }
                    catch (NoFreePartitionException)
                    {
                        refused.Add(title);
                    }
                    catch (Exception e) when (e is SlapException or SqlException)
                    {
                        failures.Add(e);
                    }
                }
            }));
            await Task.WhenAll(workers);

            Assert.Empty(failures);
            Assert.Equal(1500, allocated.Count);
            Assert.Equal(500, refused.Count);
            Assert.Equal(2000, allocated.Select(i => i.Title).Concat(refused).Distinct().Count());
            Assert.Equal(1500, allocated.Select(i => (i.ComputerReference, i.PartitionReference)).Distinct().Count());

            var store = providers[0].GetRequiredService<IMasterStore>();
            var stored = new List<SoftwareInstance>();
            await foreach (var instance in store.ListInstancesAsync(new InstanceQuery(), default))
            {
                stored.Add(instance);
            }

            Assert.Equal(allocated.Select(i => i.Reference).Order(StringComparer.Ordinal), stored.Select(i => i.Reference).Order(StringComparer.Ordinal));
            for (var c = 0; c < 15; c++)
            {
                foreach (var partition in await store.ListPartitionsAsync($"COMP-{c:D2}", default))
                {
                    Assert.Equal(PartitionState.Busy, partition.State);
                    Assert.Equal(partition.Reference, stored.Single(i => i.Reference == partition.InstanceReference).PartitionReference);
                }
            }

            Assert.All(await store.ListAllocationCandidatesAsync(Release, default), c => Assert.Equal(0, c.FreePartitions));
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

    internal static async Task<ISlapMaster> StartMasterAsync(string database, string applicationName, List<ServiceProvider> providers)
    {
        // A distinct application name gives each master its own connection pool.
        var connectionString = new SqlConnectionStringBuilder(database) { ApplicationName = applicationName, MaxPoolSize = 10 }.ConnectionString;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSlapOSMaster(m => m.UseSqlServer(connectionString));
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        await provider.GetRequiredService<IMasterStore>().MigrateAsync(default);
        return provider.GetRequiredService<ISlapMaster>();
    }
}
