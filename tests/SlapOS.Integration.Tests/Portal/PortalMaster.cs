using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Master;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>
/// A real master on loopback serving the portal (SQLite in a temp dir, insecure loopback mode), seeded with
/// two computers owned by two people, a supplied release, and each person's running instance tree.
/// </summary>
public sealed class PortalMaster : IAsyncDisposable
{
    public const string Alice = "PERSON-alice";
    public const string Bob = "PERSON-bob";
    public const string ComputerA = "COMP-A";
    public const string ComputerB = "COMP-B";
    public const string Release = "https://example.org/sr/hello-web/software.cfg";
    public const string AliceSecret = "hunter2-alice-password";

    private readonly string _directory;
    private readonly WebApplication _app;

    private PortalMaster(string directory, WebApplication app, string url)
    {
        _directory = directory;
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ISlapMaster Master => _app.Services.GetRequiredService<ISlapMaster>();

    public SoftwareInstance AliceRoot { get; private set; } = null!;

    public SoftwareInstance AliceChild { get; private set; } = null!;

    public SoftwareInstance BobRoot { get; private set; } = null!;

    /// <summary>
    /// Starts the master: in insecure loopback mode (every local caller is the admin), or with
    /// <paramref name="mutualTls"/> over HTTPS where callers are who their client certificate says.
    /// </summary>
    public static async Task<PortalMaster> StartAsync(bool mutualTls = false)
    {
        var directory = Directory.CreateTempSubdirectory("slapos-portal-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            if (mutualTls)
            {
                k.UseSlapOSMutualTls();
                k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps());
            }
            else
            {
                k.Listen(IPAddress.Loopback, 0);
            }
        });
        if (!mutualTls)
        {
            builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        }

        builder.Services.AddSlapOSMaster(m =>
        {
            m.UseSqlite(Path.Combine(directory, "master.db"));
            if (mutualTls)
            {
                m.UseBouncyCastleIdentity(o => o.Directory = Path.Combine(directory, "ca"));
            }
        });
        var app = builder.Build();
        app.MapSlapOSMaster();
        app.MapSlapOSPortal();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var master = new PortalMaster(directory, app, url);
        await master.SeedAsync();
        return master;
    }

    /// <summary>A client certificate for <paramref name="person"/>, issued by this master's CA (mutual TLS mode).</summary>
    public Task<IssuedCertificate> IssuePersonCertificateAsync(string person) =>
        _app.Services.GetRequiredService<ICertificateAuthority>().IssueAsync(new SlapIdentity(IdentityKind.Person, person), default);

    /// <summary>A certificate for computer <paramref name="computer"/>, issued by this master's CA (mutual TLS mode).</summary>
    public Task<IssuedCertificate> IssueComputerCertificateAsync(string computer) =>
        _app.Services.GetRequiredService<ICertificateAuthority>().IssueAsync(new SlapIdentity(IdentityKind.Computer, computer), default);

    /// <summary>The certificate registry (mutual TLS mode).</summary>
    public IIdentityStore Identities => _app.Services.GetRequiredService<IIdentityStore>();

    public HttpClient Client(bool followRedirects = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = new Uri(Url) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task SeedAsync()
    {
        var master = Master;
        await AddComputerAsync(ComputerA, "Alpha rack", Alice, "eu-west", 3, "127.0.101.");
        await AddComputerAsync(ComputerB, "Beta rack", Bob, "us-east", 2, "127.0.102.");
        await master.SupplyAsync(ComputerA, Release, SupplyState.Available, default);
        await master.SupplyAsync(ComputerB, Release, SupplyState.Available, default);
        await master.ReportSoftwareInstallationAsync(ComputerA, Release, SoftwareInstallationState.Available, null, default);
        await master.ReportSoftwareInstallationAsync(ComputerB, Release, SoftwareInstallationState.Building, null, default);
        await master.GetComputerDocumentAsync(ComputerA, default);

        AliceRoot = await master.RequestAsync(Request("alice-web", Alice, ComputerA), default);
        AliceChild = await master.RequestAsync(Request("alice-db", AliceRoot.Reference, ComputerA), default);
        BobRoot = await master.RequestAsync(Request("bob-shop", Bob, ComputerB), default);

        await master.PublishConnectionParametersAsync(ComputerA, AliceRoot.PartitionReference!, new Dictionary<string, string>
        {
            ["url"] = "http://127.0.101.1:8080/",
            ["admin-password"] = AliceSecret,
        }, null, default);
        await master.ReportInstanceStateAsync(ComputerA, AliceRoot.PartitionReference!, ReportedState.Started, null, default);
        await master.ReportInstanceStateAsync(ComputerA, AliceChild.PartitionReference!, ReportedState.Error, "database disk is full", default);
        await master.ReportInstanceStateAsync(ComputerB, BobRoot.PartitionReference!, ReportedState.Started, null, default);

        var now = DateTimeOffset.UtcNow;
        await master.RecordUsageAsync(new UsageReport(ComputerA,
        [
            Usage(ComputerA, AliceRoot, now.AddDays(-2), 300),
            Usage(ComputerA, AliceRoot, now.AddHours(-3), 120),
            Usage(ComputerA, AliceChild, now.AddHours(-3), 60),
        ]), default);
        await master.RecordUsageAsync(new UsageReport(ComputerB, [Usage(ComputerB, BobRoot, now.AddHours(-5), 45)]), default);

        AliceRoot = await master.GetInstanceAsync(AliceRoot.Reference, default);
        AliceChild = await master.GetInstanceAsync(AliceChild.Reference, default);
        BobRoot = await master.GetInstanceAsync(BobRoot.Reference, default);
    }

    private async Task AddComputerAsync(string reference, string title, string owner, string region, int partitions, string network)
    {
        await Master.RegisterComputerAsync(new Computer
        {
            Reference = reference,
            Title = title,
            OwnerReference = owner,
            Attributes = new Dictionary<string, string>
            {
                [Computer.RegionAttribute] = region,
                [Computer.CpuArchitectureAttribute] = "x86_64",
                [Computer.PriceAttribute] = "0.5",
            },
        }, default);
        await Master.FormatComputerAsync(new ComputerFormat(reference, network + "1", "255.255.255.0",
        [
            .. Enumerable.Range(0, partitions).Select(i => new ComputerPartition
            {
                ComputerReference = reference,
                Reference = $"slappart{i}",
                Addresses = [new PartitionAddress(network + (i + 2), "255.255.255.0", "lo")],
            }),
        ]), default);
    }

    private static InstanceRequest Request(string title, string requester, string computer) => new()
    {
        Title = title,
        RequesterReference = requester,
        SoftwareReleaseUrl = Release,
        Sla = new Dictionary<string, string> { ["computer_guid"] = computer },
    };

    private static UsageRecord Usage(string computer, SoftwareInstance instance, DateTimeOffset start, double cpu) => new()
    {
        ComputerReference = computer,
        PartitionReference = instance.PartitionReference!,
        InstanceReference = instance.Reference,
        Start = start,
        End = start.AddMinutes(30),
        CpuSeconds = cpu,
        MemoryBytes = 64L << 20,
        DiskBytes = 1L << 20,
        ProcessCount = 2,
    };
}
