using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SlapOS.Master;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>allocation</c> scenario: computers × partitions registered in-process, then as many distinct
/// requests as partitions (each a durable allocation), then the same requests again (idempotent
/// re-requests), with 1, 4 and 16 concurrent clients, on SQLite and optionally PostgreSQL.
/// </summary>
internal static class AllocationScenario
{
    private const string Release = "https://lab.example/software/kvm/software.cfg";
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var postgres = Option(args, "--postgres");
        var clients = (Option(args, "--clients") ?? "1,4,16").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var computers = int.Parse(Option(args, "--computers") ?? "100", CultureInfo.InvariantCulture);
        var partitions = int.Parse(Option(args, "--partitions") ?? "100", CultureInfo.InvariantCulture);

        Console.WriteLine($"# allocation scenario — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"load: {computers} computers x {partitions} partitions = {computers * partitions} partitions; {computers * partitions} distinct requests, then {computers * partitions} idempotent re-requests; in-process");
        Console.WriteLine();
        Console.WriteLine("| store | clients | phase | requests | distinct partitions | seconds | requests/s | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");

        var stores = new List<string> { "sqlite" };
        if (postgres is not null)
        {
            stores.Add("postgresql");
        }

        foreach (var store in stores)
        {
            foreach (var n in clients)
            {
                await RunOnceAsync(store, postgres, n, computers, partitions).ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static async Task RunOnceAsync(string store, string? postgres, int clients, int computers, int partitions)
    {
        var directory = Path.Combine(Path.GetTempPath(), "slapos-bench-" + Guid.NewGuid().ToString("N"));
        string? database = null;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        if (store == "sqlite")
        {
            Directory.CreateDirectory(directory);
            services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")));
        }
        else
        {
            database = $"slapos_bench_{Guid.NewGuid():N}";
            await ExecuteAsync(postgres!, $"CREATE DATABASE \"{database}\"").ConfigureAwait(false);
            var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = database, MaxPoolSize = Math.Max(20, clients * 2) }.ConnectionString;
            services.AddSlapOSMaster(m => m.UsePostgreSql(connectionString));
        }

        try
        {
            await using (var provider = services.BuildServiceProvider())
            {
                await provider.GetRequiredService<IMasterStore>().MigrateAsync(default).ConfigureAwait(false);
                var master = provider.GetRequiredService<ISlapMaster>();
                for (var c = 0; c < computers; c++)
                {
                    var reference = $"COMP-{c:D4}";
                    await master.RegisterComputerAsync(new Computer { Reference = reference, Attributes = new Dictionary<string, string> { ["region"] = c % 2 == 0 ? "eu" : "us" } }, default).ConfigureAwait(false);
                    await master.FormatComputerAsync(new ComputerFormat(reference, null, null,
                        [.. Enumerable.Range(0, partitions).Select(i => new ComputerPartition { ComputerReference = reference, Reference = $"slappart{i}" })]), default).ConfigureAwait(false);
                }

                var total = computers * partitions;
                await PhaseAsync(store, clients, "allocate", master, total).ConfigureAwait(false);
                await PhaseAsync(store, clients, "re-request", master, total).ConfigureAwait(false);
            }
        }
        finally
        {
            if (database is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(postgres!, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)").ConfigureAwait(false);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task PhaseAsync(string store, int clients, string phase, ISlapMaster master, int total)
    {
        var next = -1;
        var partitionsGiven = new ConcurrentDictionary<(string?, string?), string>();
        var latencies = new ConcurrentBag<double>();
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && deadline.Elapsed < PhaseLimit)
            {
                var started = Stopwatch.GetTimestamp();
                var instance = await master.RequestAsync(new InstanceRequest
                {
                    Title = $"instance-{i:D6}",
                    SoftwareReleaseUrl = Release,
                    Parameters = new Dictionary<string, string> { ["index"] = i.ToString(CultureInfo.InvariantCulture) },
                }, default).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                partitionsGiven.TryAdd((instance.ComputerReference, instance.PartitionReference), instance.Reference);
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = deadline.Elapsed.TotalSeconds;
        var ok = partitionsGiven.Keys.Count(k => k.Item2 is not null);
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {store} | {clients} | {phase} | {sorted.Length} | {ok} | {seconds:F2} | {sorted.Length / seconds:F0} | {Percentile(sorted, 0.50):F2} | {Percentile(sorted, 0.99):F2} |"));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
