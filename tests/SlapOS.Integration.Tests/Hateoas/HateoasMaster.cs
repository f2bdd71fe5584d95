using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;

namespace SlapOS.Integration.Tests.Hateoas;

/// <summary>
/// A master on loopback (insecure loopback mode: the caller is the administrator) over a fresh SQLite
/// file, holding the state of the slap-wire HATEOAS captures: <c>local_computer</c> with <c>root-inst</c>
/// (parameters and connection parameters published) hosting the root shared instance <c>shared-inst</c>,
/// and <c>COMP-1</c> whose <c>slappart0</c> also runs a root (the "several computers" case).
/// </summary>
internal sealed class HateoasMaster : IAsyncDisposable
{
    public const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    private readonly string _directory;
    private readonly WebApplication _app;

    private HateoasMaster(string directory, WebApplication app, Uri address)
    {
        _directory = directory;
        _app = app;
        Address = address;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public ISlapMaster Master => _app.Services.GetRequiredService<ISlapMaster>();

    public SoftwareInstance Root { get; private set; } = null!;

    public SoftwareInstance SharedRoot { get; private set; } = null!;

    public SoftwareInstance OtherRoot { get; private set; } = null!;

    public static async Task<HateoasMaster> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("slapos-hateoas-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")));
        var app = builder.Build();
        app.MapSlapOSMaster();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        var master = new HateoasMaster(directory, app, address);
        await master.SeedAsync();
        return master;
    }

    public static InstanceRequest Request(string title, string computer, Dictionary<string, string>? parameters = null, bool shared = false, string requester = InstanceRequest.RootRequester) => new()
    {
        Title = title,
        RequesterReference = requester,
        SoftwareReleaseUrl = Release,
        SoftwareType = "mytype",
        Parameters = parameters ?? [],
        Sla = new Dictionary<string, string> { ["computer_guid"] = computer },
        Shared = shared,
    };

    public async Task AddComputerAsync(string reference, string address, string netmask, int partitions)
    {
        await Master.RegisterComputerAsync(new Computer { Reference = reference }, default);
        await Master.FormatComputerAsync(new ComputerFormat(reference, address, netmask,
            [.. Enumerable.Range(0, partitions).Select(i => new ComputerPartition
            {
                ComputerReference = reference,
                Reference = $"slappart{i}",
                Addresses = [new PartitionAddress($"10.9.0.{i + 2}", "255.255.255.0", "lo")],
            })]), default);
    }

    private async Task SeedAsync()
    {
        await AddComputerAsync("local_computer", "2001:db8:1::1", "ffff:ffff:ffff:ffff::", 3);
        await AddComputerAsync("COMP-1", "127.0.1.1", "255.255.255.0", 2);

        var root = await Master.RequestAsync(Request("root-inst", "local_computer", new() { ["extra"] = "yes", ["name"] = "Wire", ["port"] = "8080" }), default);
        await Master.PublishConnectionParametersAsync(root.ComputerReference!, root.PartitionReference!,
            new Dictionary<string, string> { ["password"] = "s3cr3t", ["url"] = "http://[2001:db8:1::10]:8080/" }, null, default);
        var shared = await Master.RequestAsync(Request("shared-inst", "local_computer", new() { ["url"] = "https://backend.example:443/" }, shared: true), default);
        await Master.PublishConnectionParametersAsync(root.ComputerReference!, root.PartitionReference!,
            new Dictionary<string, string> { ["frontend-url"] = "https://shared-inst.example/" }, shared.Reference, default);
        var other = await Master.RequestAsync(Request("other-root", "COMP-1"), default);

        Root = await Master.GetInstanceAsync(root.Reference, default);
        SharedRoot = await Master.GetInstanceAsync(shared.Reference, default);
        OtherRoot = await Master.GetInstanceAsync(other.Reference, default);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
