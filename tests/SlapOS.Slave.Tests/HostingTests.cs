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
}
