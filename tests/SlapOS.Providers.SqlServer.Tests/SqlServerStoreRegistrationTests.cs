using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Storage.SqlServer;

namespace SlapOS.Providers.SqlServer.Tests;

/// <summary>Registration of the SQL Server store; building the store opens no connection, so these run without a server.</summary>
public class SqlServerStoreRegistrationTests
{
    private const string Unreachable = "Server=127.0.0.1,1;Database=none;Connect Timeout=1;Encrypt=False";

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }

    [Fact]
    public async Task Use_sql_server_replaces_the_store_chosen_before()
    {
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlite("/tmp/never-opened.db").UseSqlServer(Unreachable));
        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IMasterStore));
        Assert.IsType<SqlServerMasterStore>(provider.GetRequiredService<IMasterStore>());
    }

    [Fact]
    public async Task A_later_use_replaces_sql_server()
    {
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlServer(Unreachable).UsePostgreSql("Host=127.0.0.1;Port=1;Database=none"));
        await using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IMasterStore));
        Assert.Equal("PostgreSqlMasterStore", provider.GetRequiredService<IMasterStore>().GetType().Name);
    }

    [Fact]
    public async Task The_connection_string_is_bound_from_configuration()
    {
        var services = Services(new() { ["SlapOS:Master:SqlServer:ConnectionString"] = Unreachable });
        services.AddSlapOSMaster(m => m.UseSqlServer());
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(Unreachable, provider.GetRequiredService<IOptions<SqlServerStoreOptions>>().Value.ConnectionString);
        Assert.IsType<SqlServerMasterStore>(provider.GetRequiredService<IMasterStore>());
    }

    [Fact]
    public async Task A_missing_connection_string_fails_at_start_naming_the_setting()
    {
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlServer());
        await using var provider = services.BuildServiceProvider();

        // What the host runs before it starts anything (ValidateOnStart).
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("SlapOS:Master:SqlServer:ConnectionString must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replaced_store_no_longer_validates_its_options_at_start()
    {
        // SQL Server chosen without its connection string (invalid alone: see the test above), then replaced.
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlServer().UsePostgreSql("Host=127.0.0.1;Port=1;Database=none"));
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("PostgreSqlMasterStore", provider.GetRequiredService<IMasterStore>().GetType().Name);
    }

    [Fact]
    public async Task The_store_chosen_last_still_validates_its_options_at_start()
    {
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlite("/tmp/never-opened.db").UseSqlServer());
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("SlapOS:Master:SqlServer:ConnectionString must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_connection_string_is_refused_at_registration()
    {
        var services = Services([]);

        Assert.Throws<ArgumentException>(() => services.AddSlapOSMaster(m => m.UseSqlServer("  ")));
    }

    [Fact]
    public async Task Migrating_without_a_reachable_server_fails_with_the_client_error()
    {
        var services = Services([]);
        services.AddSlapOSMaster(m => m.UseSqlServer(Unreachable));
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<Microsoft.Data.SqlClient.SqlException>(() => provider.GetRequiredService<IMasterStore>().MigrateAsync(default));
    }
}
