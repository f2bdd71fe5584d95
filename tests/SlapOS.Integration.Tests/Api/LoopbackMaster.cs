using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// A real master on 127.0.0.1 (port 0, SQLite file in a temp dir, insecure loopback mode: every local
/// caller is an administrator), with small helpers to call its XML and JSON APIs over HTTP.
/// </summary>
public class LoopbackMaster : IAsyncLifetime
{
    public const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-api-").FullName;
    private WebApplication _app = null!;

    public Uri Url { get; private set; } = null!;

    /// <summary>The compatibility profile: these tests check the production master's rules unless a fixture says otherwise.</summary>
    protected virtual string Profile => "Strict";

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Configuration["SlapOS:Master:Compatibility:Profile"] = Profile;
        foreach (var (key, value) in Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddSlapOSMaster(m => Configure(m.UseSqlite(Path.Combine(_directory, "master.db"))));
        _app = builder.Build();
        _app.MapSlapOSMaster();
        if (MapPortal)
        {
            _app.MapSlapOSPortal();
        }

        await _app.StartAsync();
        Url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <summary>More configuration keys for derived fixtures.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Whether derived fixtures also map the portal.</summary>
    protected virtual bool MapPortal => false;

    /// <summary>The running master's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>More master configuration (allocation policies…) for derived fixtures.</summary>
    protected virtual void Configure(ISlapOSMasterBuilder master)
    {
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A unique computer reference, so tests sharing one master never meet.</summary>
    public static string NewComputer() => "COMP-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Formats <paramref name="computer"/> with <paramref name="partitions"/> partitions through the XML API, as <c>slapos node format</c> does.</summary>
    public async Task FormatAsync(string computer, int partitions)
    {
        var format = new ComputerFormat(
            computer,
            "10.88.0.1",
            "255.255.255.0",
            Enumerable.Range(0, partitions).Select(i => new ComputerPartition
            {
                ComputerReference = computer,
                Reference = "slappart" + i,
                Addresses = [new PartitionAddress("10.88.0." + (10 + i), "255.255.255.255", "slaptap" + i)],
                Tap = new PartitionTap("slaptap" + i),
            }).ToList());
        var answer = await PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", computer), ("xml", SlapMarshal.Write(SlapWireObjects.ToFormatDictionary(format))));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    public async Task<Answer> PostFormAsync(string path, params (string Key, string? Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string>(f.Key, f.Value!)));
        using var response = await Http.PostAsync(path, content);
        return await Answer.ReadAsync(response);
    }

    public async Task<Answer> GetAsync(string path, params (string Key, string Value)[] query)
    {
        var target = path + (query.Length == 0 ? string.Empty : "?" + string.Join('&', query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value))));
        using var response = await Http.GetAsync(target);
        return await Answer.ReadAsync(response);
    }

    public async Task<Answer> PostJsonAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        return await Answer.ReadAsync(response);
    }

    /// <summary>An XML API request of a root instance (or a child when <paramref name="requester"/> names a partition).</summary>
    public Task<Answer> RequestXmlAsync(
        string title,
        IDictionary<string, string>? parameters = null,
        IDictionary<string, string>? sla = null,
        string? state = null,
        bool shared = false,
        (string Computer, string Partition)? requester = null,
        string release = Release,
        string softwareType = "default") =>
        PostFormAsync(
            "/requestComputerPartition",
            ("computer_id", requester?.Computer),
            ("computer_partition_id", requester?.Partition),
            ("software_release", release),
            ("software_type", softwareType),
            ("partition_reference", title),
            ("partition_parameter_xml", SlapMarshal.Write(SlapWireObjects.ToDictionary(parameters ?? new Dictionary<string, string>()))),
            ("filter_xml", SlapMarshal.Write(SlapWireObjects.ToDictionary(sla ?? new Dictionary<string, string>()))),
            ("state", SlapMarshal.Write(state)),
            ("shared_xml", SlapMarshal.Write(shared)));

    public async Task<MarshalObject> PartitionAsync(string computer, string partition)
    {
        var answer = await GetAsync("/registerComputerPartition", ("computer_reference", computer), ("computer_partition_reference", partition));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return Assert.IsType<MarshalObject>(answer.Marshal());
    }
}

/// <summary>One HTTP answer: status, content type, body text and the master's exact instance timestamp header, if any.</summary>
public sealed record Answer(HttpStatusCode Status, string? ContentType, string Body, string? ExactTimestamp = null)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response) =>
        new(
            response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues(SlapOS.Wire.SlapHeaders.Timestamp, out var stamps) ? stamps.FirstOrDefault() : null);

    public object? Marshal() => SlapMarshal.Read(Body);

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"{(int)Status} {Body[..Math.Min(Body.Length, 2000)]}";
}
