using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;
using SlapOS.Slave;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// A tap's routable IPv4 (what the Linux formatter's <c>TapGatewayInterface</c> gives a partition) is recorded by our
/// master from the format upload of either client: the XML one sends slapformat's <c>tap</c> dictionary, the JSON one a
/// full IP entry (slapgrid's <c>full_ip_list</c>: interface, address, gateway, netmask, network).
/// </summary>
public sealed class TapFormatTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>, IDisposable
{
    private readonly List<HttpClient> _clients = [];

    public void Dispose() => _clients.ForEach(c => c.Dispose());

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task A_taps_routable_IPv4_is_recorded_from_the_format_upload(string api)
    {
        var computer = LoopbackMaster.NewComputer();
        var http = XmlClientAgainstOurMasterTests.Http(master, _clients);
        var options = XmlClientAgainstOurMasterTests.Options(master, computer);
        ISlapMasterClient client = api == "json" ? new JsonSlapMasterClient(http, options) : new XmlSlapMasterClient(http, options);
        var tap = new PartitionTap("slaptap0", "10.42.0.2", "10.42.0.1", "255.255.255.0", "10.42.0.0");
        var partition = new ComputerPartition
        {
            ComputerReference = computer,
            Reference = "slappart0",
            Addresses = [new PartitionAddress("10.77.0.10", "255.255.255.255", "slapbr0")],
            Tap = tap,
        };

        await client.ReportFormatAsync(new ComputerFormat(computer, "10.77.0.1", "255.255.255.0", [partition]), CancellationToken.None);

        var recorded = Assert.Single(await master.Services.GetRequiredService<ISlapMaster>().ListPartitionsAsync(computer, CancellationToken.None));
        Assert.Equal(tap, recorded.Tap);
        Assert.Equal(new[] { "10.77.0.10" }, recorded.Addresses.Select(a => a.Address));
    }
}
