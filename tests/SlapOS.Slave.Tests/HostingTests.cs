using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Slave;

namespace SlapOS.Slave.Tests;

public class HostingTests
{
    [Fact]
    public void Missing_computer_reference_fails_validation_with_its_name()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Slave:MasterUrl"] = "http://127.0.0.1:1" })
            .Build());
        services.AddSlapOSSlave();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlapOSSlaveOptions>>().Value);
        Assert.Contains("ComputerReference", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PromiseTimeout", "00:00:00")]
    [InlineData("MaximumPeriodicity", "00:00:00")]
    [InlineData("InstanceInterval", "-00:00:01")]
    [InlineData("PartitionAmount", "0")]
    public void Bad_node_settings_fail_validation_with_their_name(string setting, string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SlapOS:Slave:ComputerReference"] = "COMP-1",
                ["SlapOS:Slave:MasterUrl"] = "http://127.0.0.1:1",
                ["SlapOS:Slave:" + setting] = value,
            })
            .Build());
        services.AddSlapOSSlave();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlapOSSlaveOptions>>().Value);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_the_node_twice_registers_one_agent_one_daemon_and_one_readiness_check()
    {
        var services = new ServiceCollection();
        services.AddSlapOSSlave();
        services.AddSlapOSSlave();

        Assert.Single(services, d => d.ServiceType == typeof(SlapOS.Slave.Agent.INodeAgent));
        Assert.Single(services, d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationType == typeof(SlapOS.Slave.Daemon.SlapgridDaemon));
        using var provider = services.BuildServiceProvider();
        var checks = provider.GetRequiredService<IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Single(checks, c => c.Name == "slapos-node" && c.Tags.Contains(SlapOSHealth.ReadyTag));
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new SlapOSSlaveOptions();

        Assert.Equal(TimeSpan.FromDays(1), options.MaximumPeriodicity);
        Assert.Equal(TimeSpan.FromSeconds(20), options.PromiseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.SoftwareInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.InstanceInterval);
        Assert.Equal(TimeSpan.FromSeconds(300), options.ReportInterval);
        Assert.True(options.RunDaemon);
    }
}

