using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SlapOS.Master;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>serve</c> mode: a master on loopback in its own process (so its CPU and memory are its own),
/// filled with computers, partitions and allocated instances, then serving until its standard input closes.
/// </summary>
internal static class MasterServer
{
    public const string Release = "https://lab.example/software/kvm/software.cfg";

    public static async Task<int> RunAsync(Options options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Int("--port", 0)));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        if (options.Get("--postgres") is { } postgres)
        {
            // A distinct application name gives each master process its own pool, as separate machines would have.
            var connection = new NpgsqlConnectionStringBuilder(postgres) { ApplicationName = options.Get("--name", "master"), MaxPoolSize = 40 }.ConnectionString;
            builder.Services.AddSlapOSMaster(m => m.UsePostgreSql(connection));
        }
        else
        {
            builder.Services.AddSlapOSMaster(m => m.UseSqlite(options.Get("--sqlite") ?? throw new ArgumentException("--sqlite or --postgres")));
        }

        // Count reservations that lose a race (another master or client took the computer's last free partition).
        var store = builder.Services.Last(d => d.ServiceType == typeof(IMasterStore));
        builder.Services.Add(ServiceDescriptor.Singleton<IMasterStore>(sp => ReservationCountingStore.Wrap(
            store.ImplementationFactory is { } factory ? (IMasterStore)factory(sp) : (IMasterStore)(store.ImplementationInstance ?? ActivatorUtilities.CreateInstance(sp, store.ImplementationType!)))));
        builder.Services.Remove(store);

        await using var app = builder.Build();
        app.MapSlapOSMaster();
        await app.Services.GetRequiredService<IMasterStore>().MigrateAsync(default);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var setup = Stopwatch.StartNew();
        if (options.Has("--setup"))
        {
            await SetUpAsync(app.Services.GetRequiredService<ISlapMaster>(), options);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {url} {setup.Elapsed.TotalSeconds:F1}"));
        await Console.Out.FlushAsync();

        // The driver closes our standard input when it is done (or dies): then stop.
        await Task.Run(() => Console.In.ReadToEnd());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stats reservations={ReservationCountingStore.Reservations} lost-races={ReservationCountingStore.LostRaces}"));
        await app.StopAsync();
        return 0;
    }

    private static async Task SetUpAsync(ISlapMaster master, Options options)
    {
        var computers = options.Int("--computers", 1);
        var partitions = options.Int("--partitions", 100);
        var allocate = options.Int("--allocate", 0);
        var parameters = options.Int("--params", 5);
        await Parallel.ForEachAsync(Enumerable.Range(0, computers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
        {
            var reference = ComputerName(c);
            await master.RegisterComputerAsync(new Computer { Reference = reference, Attributes = new Dictionary<string, string> { ["region"] = c % 2 == 0 ? "eu" : "us" } }, ct);
            await master.FormatComputerAsync(new ComputerFormat(reference, null, null,
                [.. Enumerable.Range(0, partitions).Select(i => new ComputerPartition
                {
                    ComputerReference = reference,
                    Reference = $"slappart{i}",
                    Addresses = [new PartitionAddress($"127.{(c >> 8) & 255}.{c & 255}.{(i % 250) + 1}", "255.0.0.0", "lo")],
                })]), ct);
        });

        // Spread the instances over the computers in turn (computer_guid), as a full cloud would be.
        await Parallel.ForEachAsync(Enumerable.Range(0, allocate), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await master.RequestAsync(new InstanceRequest
            {
                Title = $"pre-{i:D6}",
                SoftwareReleaseUrl = Release,
                Parameters = InstanceParameters(i, parameters),
                Sla = new Dictionary<string, string> { ["computer_guid"] = ComputerName(i % computers) },
            }, ct));
    }

    public static string ComputerName(int index) => $"COMP-{index:D5}";

    public static Dictionary<string, string> InstanceParameters(int index, int count)
    {
        var parameters = new Dictionary<string, string>();
        for (var p = 0; p < count; p++)
        {
            parameters[$"parameter-{p}"] = $"value {index} {p} with some text";
        }

        return parameters;
    }
}
