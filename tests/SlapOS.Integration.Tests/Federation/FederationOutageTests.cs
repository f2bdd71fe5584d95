using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Integration.Tests.Api;
using SlapOS.Master;
using SlapOS.Master.Portal;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>
/// The external master is down: requests through A say so (503, Retry-After, the reason) and record nothing;
/// once it is up, the same request succeeds and B holds exactly one instance.
/// </summary>
public sealed class FederationOutageTests : IAsyncLifetime
{
    private const string Computer = "COMP-FED-LATE";
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-federation-down-").FullName;
    private readonly int _port = FreePort();
    private ForwardingMaster _a = null!;
    private WebApplication? _b;

    private string BUrl => $"http://127.0.0.1:{_port}/";

    public async Task InitializeAsync()
    {
        _a = new ForwardingMaster(new Dictionary<string, string>
        {
            ["SlapOS:Master:Federation:Masters:late:Url"] = BUrl,
            ["SlapOS:Master:Federation:Masters:late:MaxRetries"] = "1",
            ["SlapOS:Master:Federation:Masters:late:AttemptTimeout"] = "00:00:05",
            ["SlapOS:Master:Federation:RetryAfter"] = "00:00:07",
            ["SlapOS:Master:Federation:RefreshInterval"] = "00:00:00",
        });
        await _a.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<Answer> RequestAsync(string title) =>
        _a.PostJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = LoopbackMaster.Release,
            software_type = "default",
            state = "started",
            parameters = new { },
            sla_parameters = new { master_url = BUrl },
        });

    [Fact]
    public async Task Requests_through_A_say_B_is_down_and_succeed_once_it_is_back_without_a_duplicate()
    {
        var title = "late-" + Guid.NewGuid().ToString("N")[..8];

        var down = await RequestAsync(title);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("external-master-unavailable", down.Json().GetProperty("type").GetString());
        Assert.Contains(BUrl, down.Json().GetProperty("title").GetString(), StringComparison.Ordinal);
        using (var raw = await _a.Http.PostAsync("/requestComputerPartition", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["software_release"] = LoopbackMaster.Release,
            ["partition_reference"] = title,
            ["filter_xml"] = SlapOS.Wire.SlapMarshal.Write(SlapOS.Wire.SlapWireObjects.ToDictionary(new Dictionary<string, string> { ["master_url"] = BUrl })),
            ["state"] = SlapOS.Wire.SlapMarshal.Write("started"),
        })))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, raw.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), raw.Headers.RetryAfter?.Delta);
        }

        // Nothing recorded on A; the portal shows B's health.
        var master = _a.Services.GetRequiredService<ISlapMaster>();
        Assert.Null(await master.FindInstanceAsync(InstanceRequest.RootRequester, title, default));
        var page = await _a.GetAsync(PortalEndpoints.Root + "/trees");
        Assert.Contains("unreachable", page.Body, StringComparison.Ordinal);

        await StartBAsync();
        var up = await RequestAsync(title);
        Assert.True(up.Status == HttpStatusCode.OK, up.ToString());
        var again = await RequestAsync(title);
        Assert.Equal(up.Json().GetProperty("instance_guid").GetString(), again.Json().GetProperty("instance_guid").GetString());

        var onB = new List<SoftwareInstance>();
        await foreach (var instance in _b!.Services.GetRequiredService<ISlapMaster>().ListInstancesAsync(new InstanceQuery(), default))
        {
            onB.Add(instance);
        }

        Assert.Single(onB, i => i.Title == title);
        var recorded = await master.FindInstanceAsync(InstanceRequest.RootRequester, title, default);
        Assert.NotNull(recorded);

        // B goes down again: a re-request says so, the instance stays recorded with the reason, the portal shows it.
        await _b.DisposeAsync();
        _b = null;
        var downAgain = await RequestAsync(title);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, downAgain.Status);
        Assert.NotNull(await master.FindInstanceAsync(InstanceRequest.RootRequester, title, default));
        var record = await ((IForwardedInstanceStore)_a.Services.GetRequiredService<IMasterStore>()).GetForwardedInstanceAsync(recorded.Reference, default);
        Assert.NotNull(record?.LastError);
        var tree = await _a.GetAsync(PortalFormat.TreePath(recorded.Reference));
        Assert.Contains("unreachable", tree.Body, StringComparison.Ordinal);
    }

    private async Task StartBAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _port));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(_directory, "b.db")));
        _b = builder.Build();
        _b.MapSlapOSMaster();
        await _b.StartAsync();
        await _b.Services.GetRequiredService<ISlapMaster>().FormatComputerAsync(new ComputerFormat(Computer, "10.90.0.1", "255.255.255.0",
            [new ComputerPartition { ComputerReference = Computer, Reference = "slappart0", Addresses = [new PartitionAddress("10.90.0.10", "255.255.255.255", "slaptap0")] }]), default);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
