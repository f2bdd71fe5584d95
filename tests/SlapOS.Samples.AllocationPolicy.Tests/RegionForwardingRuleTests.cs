using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SlapOS.Master;
using SlapOS.Master.Federation;

namespace SlapOS.Samples.AllocationPolicy.Tests;

public sealed class RegionForwardingRuleTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-region-rule-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static AllocationContext Request(params (string Key, string Value)[] sla) =>
        new(new InstanceRequest { Title = "t", SoftwareReleaseUrl = "https://example.com/sr", Sla = sla.ToDictionary(s => s.Key, s => s.Value) });

    [Fact]
    public void A_region_served_elsewhere_names_its_master_and_any_other_request_is_left_to_the_next_rule()
    {
        var options = new RegionForwardingOptions();
        options.Masters["eu-west"] = "https://eu-west.example/";
        var rule = new RegionForwardingRule(Options.Create(options));

        Assert.Equal("https://eu-west.example/", rule.ExternalMasterFor(Request(("region", "eu-west"))));
        Assert.Null(rule.ExternalMasterFor(Request(("region", "us-east"))));
        Assert.Null(rule.ExternalMasterFor(Request()));
        Assert.Equal("region_forwarding", rule.Name);
    }

    [Fact]
    public async Task A_real_master_runs_it_after_the_built_in_rules_forwards_its_region_and_allocates_the_others_here()
    {
        var port = ClosedPort();
        var remote = $"http://127.0.0.1:{port}/";
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Master:Federation:Masters:west:Url"] = remote,
            ["SlapOS:Master:Federation:Masters:west:MaxRetries"] = "0",
            ["SlapOS:Master:Federation:RefreshInterval"] = "00:00:00",
        });
        builder.Services.AddSlapOSMaster(m => m
            .UseSqlite(Path.Combine(directory, "master.db"))
            .UseJsonExternalMasters()
            .AddRegionForwarding(o => o.Masters["eu-west"] = remote));
        using var host = builder.Build();
        await host.StartAsync();

        Assert.Equal(["master_url", "software_release_list", "region_forwarding"], host.Services.GetServices<IForwardingRule>().Select(r => r.Name));

        var master = host.Services.GetRequiredService<ISlapMaster>();
        await master.RegisterComputerAsync(new Computer { Reference = "COMP-HERE", Attributes = new Dictionary<string, string> { ["region"] = "eu-central" } }, default);
        await master.FormatComputerAsync(new ComputerFormat("COMP-HERE", null, null, [new ComputerPartition { ComputerReference = "COMP-HERE", Reference = "slappart0" }]), default);

        var here = await master.RequestAsync(new InstanceRequest { Title = "here", SoftwareReleaseUrl = "https://example.com/sr/software.cfg", Sla = new Dictionary<string, string> { ["region"] = "eu-central" } }, default);
        Assert.Equal("COMP-HERE", here.ComputerReference);

        // Nothing listens on the west master's port: the request went there (and says so), nothing was kept here.
        var west = await Assert.ThrowsAsync<ExternalMasterUnavailableException>(() => master.RequestAsync(
            new InstanceRequest { Title = "west", SoftwareReleaseUrl = "https://example.com/sr/software.cfg", Sla = new Dictionary<string, string> { ["region"] = "eu-west" } }, default));
        Assert.Equal(remote, west.MasterUrl);
        Assert.Null(await master.FindInstanceAsync(InstanceRequest.RootRequester, "west", default));
        await host.StopAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
