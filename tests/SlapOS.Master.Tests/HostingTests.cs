using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Master;
using SlapOS.Master.Allocation;

namespace SlapOS.Master.Tests;

public class HostingTests
{
    private static ServiceCollection Services(Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        return services;
    }

    [Fact]
    public void Add_twice_is_safe_and_binds_configuration()
    {
        var services = Services(new() { ["SlapOS:Master:Security:Mode"] = "InsecureLoopback", ["SlapOS:Master:Allocation:Strategy"] = "BinPack", ["SlapOS:Master:Allocation:Weights:max_price"] = "2.5" });

        services.AddSlapOSMaster();
        services.AddSlapOSMaster();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(SlapOSSecurityMode.InsecureLoopback, provider.GetRequiredService<IOptions<SlapOSMasterOptions>>().Value.Security.Mode);
        var allocation = provider.GetRequiredService<IOptions<AllocationOptions>>().Value;
        Assert.Equal((AllocationStrategy.BinPack, 2.5, 1.0), (allocation.Strategy, allocation.WeightOf("max_price"), allocation.WeightOf("spread")));
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
        Assert.Equal(["computer_guid", "capacity", "attributes", "max_price", "software_installed", "bin-pack"],
            provider.GetServices<IAllocationPolicy>().Select(p => p.Name));
    }

    [Fact]
    public void A_plugin_runs_after_the_built_ins_and_is_registered_once()
    {
        var services = Services();
        services.AddSlapOSMaster(m => m.AddAllocationPolicy<OddPolicy>().AddAllocationPolicy<OddPolicy>());
        using var provider = services.BuildServiceProvider();

        Assert.Equal("odd", provider.GetServices<IAllocationPolicy>().Last().Name);
        Assert.Single(provider.GetServices<IAllocationPolicy>(), p => p is OddPolicy);
    }

    [Fact]
    public async Task Start_fails_clearly_without_a_store()
    {
        var services = Services();
        services.AddSlapOSMaster();
        using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(provider));
        Assert.Contains("No SlapOS master store is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseSqlite", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", 1)]
    [InlineData("false", 0)]
    public async Task Start_migrates_the_store_when_auto_migrate_is_on(string autoMigrate, int migrations)
    {
        var store = Substitute.For<IMasterStore>();
        var services = Services(new() { ["SlapOS:Master:AutoMigrate"] = autoMigrate });
        services.AddSlapOSMaster();
        services.AddSingleton(store);
        using var provider = services.BuildServiceProvider();

        await StartAsync(provider);

        await store.Received(migrations).MigrateAsync(Arg.Any<CancellationToken>());
    }

    private static async Task StartAsync(IServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(default);
        }
    }

    private sealed class OddPolicy : IAllocationPolicy
    {
        public string Name => "odd";
    }
}
