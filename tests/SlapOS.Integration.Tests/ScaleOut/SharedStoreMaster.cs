using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Master;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// One master host (its own process state: DI container, Kestrel on a free loopback port, change listener) over a
/// store that other <see cref="SharedStoreMaster"/>s share: what a second master machine is, minus the machine.
/// </summary>
internal sealed class SharedStoreMaster : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SharedStoreMaster(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(100) };
    }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public ISlapMaster Slap => _app.Services.GetRequiredService<ISlapMaster>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a master on the store chosen by <paramref name="store"/> (e.g. <c>m =&gt; m.UseSqlite(path)</c>).</summary>
    public static async Task<SharedStoreMaster> StartAsync(Action<ISlapOSMasterBuilder> store, int port = 0, Action<WebApplication>? map = null, Action<Microsoft.Extensions.Configuration.IConfiguration>? configure = null, ILoggerProvider? log = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }

        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        configure?.Invoke(builder.Configuration);
        builder.Services.AddSlapOSMaster(store);
        var app = builder.Build();
        app.MapSlapOSMaster();
        map?.Invoke(app);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new SharedStoreMaster(app, url);
    }

    /// <summary>Calls the long-poll as a node does; answers (changed, change_stamp).</summary>
    public async Task<(bool Changed, long Stamp)> WaitForChangeAsync(string computer, double timeoutSeconds, long? seen)
    {
        var body = new Dictionary<string, object> { ["computer_guid"] = computer, ["timeout"] = timeoutSeconds };
        if (seen is { } stamp)
        {
            body["change_stamp"] = stamp;
        }

        using var response = await Http.PostAsJsonAsync("/slapos.wait.v0.compute_node_change", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("changed").GetBoolean(), json.RootElement.GetProperty("change_stamp").GetInt64());
    }

    /// <summary>Makes a computer with partitions, as a node's format does.</summary>
    public Task FormatAsync(string computer, int partitions) =>
        Slap.FormatComputerAsync(
            new ComputerFormat(computer, "10.77.0.1", "255.255.255.0", [.. Enumerable.Range(0, partitions).Select(i => new ComputerPartition
            {
                ComputerReference = computer,
                Reference = "slappart" + i,
                Addresses = [new PartitionAddress("10.77.0." + (10 + i), "255.255.255.255", null)],
            })]),
            default);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
