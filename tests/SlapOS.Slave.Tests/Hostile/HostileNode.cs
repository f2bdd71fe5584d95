using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Slave.Tests.Hostile;

/// <summary>The node's real master client (HTTP handler, decompression, resilience) wired to a <see cref="LoopbackMaster"/>.</summary>
internal static class HostileNode
{
    public static ServiceProvider Client(string api, string masterUrl, long? maxAnswerBytes = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SlapOS:Slave:MasterUrl"] = masterUrl,
            ["SlapOS:Slave:ComputerReference"] = "COMP-HOSTILE",
            ["SlapOS:Slave:MasterClient:MaxRetries"] = "1",
        };
        if (maxAnswerBytes is { } max)
        {
            settings["SlapOS:Slave:MasterClient:MaxAnswerBytes"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddSlapOSSlave(s => _ = api == "json" ? s.UseJsonMasterClient() : s.UseXmlMasterClient());
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
