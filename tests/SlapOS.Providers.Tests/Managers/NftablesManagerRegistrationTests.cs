using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Providers.Managers;

namespace SlapOS.Providers.Tests.Managers;

public sealed class NftablesManagerRegistrationTests
{
    [Fact]
    public void The_managers_register_once_in_order_with_their_options_from_configuration()
    {
        using var provider = Node(new Dictionary<string, string?>
        {
            [PortRedirectManagerOptions.SectionName + ":TableName"] = "node_nat",
            [PortRedirectManagerOptions.SectionName + ":MinimumSourcePort"] = "30000",
            [FirewallManagerOptions.SectionName + ":TableName"] = "node_filter",
        });

        Assert.Equal(["portredir", "firewall"], provider.GetServices<INodeManager>().Select(m => m.Name));
        Assert.Equal("node_nat", provider.GetRequiredService<IOptions<PortRedirectManagerOptions>>().Value.TableName);
        Assert.Equal(30000, provider.GetRequiredService<IOptions<PortRedirectManagerOptions>>().Value.MinimumSourcePort);
        Assert.Equal("node_filter", provider.GetRequiredService<IOptions<FirewallManagerOptions>>().Value.TableName);
    }

    [Fact]
    public void Bad_configuration_is_refused_with_the_setting_named()
    {
        using var provider = Node(new Dictionary<string, string?>
        {
            [PortRedirectManagerOptions.SectionName + ":MaximumSourcePort"] = "70000",
            [FirewallManagerOptions.SectionName + ":TableName"] = "slapos;flush ruleset",
        });

        var portredir = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PortRedirectManagerOptions>>().Value);
        var firewall = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FirewallManagerOptions>>().Value);

        Assert.Contains("MaximumSourcePort", portredir.Message, StringComparison.Ordinal);
        Assert.Contains("Firewall:TableName", firewall.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Node(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        var node = Substitute.For<ISlapOSSlaveBuilder>();
        node.Services.Returns(services);
        node.UsePortRedirectManager().UseFirewallManager().UsePortRedirectManager().UseFirewallManager();
        return services.BuildServiceProvider();
    }
}
