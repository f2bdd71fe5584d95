using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Master;

namespace SlapOS.Master.Tests;

public class HostingTests
{
    [Fact]
    public void Add_twice_is_safe_and_binds_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Master:Security:Mode"] = "InsecureLoopback" })
            .Build());

        services.AddSlapOSMaster();
        services.AddSlapOSMaster();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(SlapOSSecurityMode.InsecureLoopback, provider.GetRequiredService<IOptions<SlapOSMasterOptions>>().Value.Security.Mode);
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
    }
}
