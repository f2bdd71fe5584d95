using System.Net;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Master;
using SlapOS.Master.Api.Json;
using SlapOS.Slave;

namespace SlapOS.Benchmarks;

/// <summary>
/// JSON API request handling: the schema validator alone on a <c>slapos.post.v0.software_instance</c> body,
/// and one whole request (an idempotent re-request) through a master on loopback with the node's JSON client.
/// </summary>
[MemoryDiagnoser]
public class JsonApiBenchmarks
{
    private const string Release = "https://lab.example/software/kvm/software.cfg";
    private static readonly InstanceRequest Request = new()
    {
        Title = "bench",
        SoftwareReleaseUrl = Release,
        Parameters = new Dictionary<string, string> { ["name"] = "bench", ["port"] = "8080" },
    };

    private JsonDocument _body = null!;
    private JsonSchemaNode _schema = null!;
    private WebApplication _master = null!;
    private HttpClient _http = null!;
    private JsonSlapMasterClient _client = null!;
    private string _directory = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _body = JsonDocument.Parse("""
            {"title": "bench", "software_release_uri": "https://lab.example/software/kvm/software.cfg", "software_type": "default",
             "state": "started", "shared": false, "parameters": {"name": "bench", "port": "8080"}, "sla_parameters": {"region": "eu"}}
            """);
        _schema = JsonApiSchemas.ByPath["/slapos.post.v0.software_instance"];

        _directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(_directory, "master.db")));
        _master = builder.Build();
        _master.MapSlapOSMaster();
        await _master.StartAsync();
        var url = _master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var slap = _master.Services.GetRequiredService<ISlapMaster>();
        await slap.RegisterComputerAsync(new Computer { Reference = "COMP-0001" }, default);
        await slap.FormatComputerAsync(new ComputerFormat("COMP-0001", null, null, [new ComputerPartition { ComputerReference = "COMP-0001", Reference = "slappart0" }]), default);
        _http = new HttpClient { BaseAddress = new Uri(url + "/") };
        _client = new JsonSlapMasterClient(_http, Microsoft.Extensions.Options.Options.Create(new SlapOSSlaveOptions { ComputerReference = "COMP-0001", MasterUrl = url }));
        await _client.RequestInstanceAsync(Request, default);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _http.Dispose();
        await _master.DisposeAsync();
        _body.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "validate slapos.post.v0.software_instance body")]
    public string? Validate() => JsonSchemaValidator.Validate(_body.RootElement, _schema);

    [Benchmark(Description = "re-request over HTTP (JSON client -> loopback master)")]
    public async Task<string?> ReRequest() => (await _client.RequestInstanceAsync(Request, default)).PartitionReference;
}
