using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlapOS.Cli.Tests;

/// <summary>A real master on loopback (SQLite in a temp dir, insecure loopback mode) with one formatted computer.</summary>
public sealed class LiveMaster : IAsyncLifetime
{
    public const string Computer = "COMP-CLI";
    public const string Release = "https://example.com/sr/hello-web/software.cfg";
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-cli-").FullName;
    private WebApplication app = null!;

    public string Url { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")));
        app = builder.Build();
        app.MapSlapOSMaster();
        await app.StartAsync();
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        var format = await http.PostAsJsonAsync("/slapos.put.v0.compute_node_format", new
        {
            computer_guid = Computer,
            compute_partition_list = Enumerable.Range(0, 10).Select(i => new
            {
                partition_id = $"slappart{i}",
                ip_list = new[] { new Dictionary<string, string> { ["ip-address"] = $"127.0.100.{i + 1}", ["network-interface"] = "lo" } },
            }),
        });
        format.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SlapCli.RunAsync([.. args, "--master-url", Url], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
