using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Storage.Sqlite;

namespace SlapOS.Integration.Tests.MasterEngine;

public class MasterStoreRegistrationTests
{
    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }

    [Fact]
    public async Task A_later_use_replaces_the_store_chosen_before()
    {
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlite("/tmp/never-opened.db").UsePostgreSql("Host=127.0.0.1;Port=1;Database=none"));
        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IMasterStore));
        Assert.Equal("PostgreSqlMasterStore", provider.GetRequiredService<IMasterStore>().GetType().Name);
    }

    [Fact]
    public async Task Sqlite_is_bound_from_configuration_and_a_missing_path_fails_validation()
    {
        var directory = Path.Combine(Path.GetTempPath(), "slapos-registration-" + Guid.NewGuid().ToString("N"));
        try
        {
            var services = Services(new() { ["SlapOS:Master:Sqlite:Path"] = Path.Combine(directory, "bound.db") });
            services.AddSlapOSMaster(m => m.UseSqlite());
            await using (var provider = services.BuildServiceProvider())
            {
                await provider.GetRequiredService<IMasterStore>().MigrateAsync(default);
                Assert.True(File.Exists(Path.Combine(directory, "bound.db")));
            }

            var empty = Services([]);
            empty.AddSlapOSMaster(m => m.UseSqlite());
            await using var invalid = empty.BuildServiceProvider();
            var error = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);
            Assert.Contains("SlapOS:Master:Sqlite:Path", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
