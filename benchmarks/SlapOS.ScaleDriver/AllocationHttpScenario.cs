using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>allocation-http</c> scenario: a master process on loopback (SQLite) with computers × partitions,
/// then distinct requests and the same requests again (idempotent) through the node's real JSON and XML
/// clients (<c>slapos.post.v0.software_instance</c> / <c>requestComputerPartition</c> with marshalled fields),
/// with 1, 4 and 16 concurrent clients; a fresh master for each row.
/// </summary>
internal static class AllocationHttpScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var computers = options.Int("--computers", 100);
        var partitions = options.Int("--partitions", 100);
        var total = computers * partitions;
        var clients = options.Ints("--clients", "1,4,16");
        var apis = options.Get("--api", "json,xml").Split(',');
        var limit = TimeSpan.FromSeconds(options.Double("--phase-seconds", 120));
        var postgres = options.Get("--postgres");
        Measure.PrintConditions("allocation-http", string.Create(CultureInfo.InvariantCulture,
            $"load: master process on loopback, {(postgres is null ? "SQLite (WAL)" : "PostgreSQL")}, {computers} computers x {partitions} partitions; {total} distinct requests then {total} idempotent re-requests per row, each phase bounded to {limit.TotalSeconds:F0} s; the node's real XmlSlapMasterClient / JsonSlapMasterClient (no retries), fresh master per row"));
        Console.WriteLine("| api | clients | phase | requests | distinct partitions | errors | seconds | requests/s | p50 ms | p99 ms | max ms | master CPU s | driver CPU s | master peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");

        foreach (var api in apis)
        {
            foreach (var n in clients)
            {
                var directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
                var database = postgres is null ? null : await PostgresDatabases.CreateAsync(postgres);
                try
                {
                    string[] store = database is null ? ["--sqlite", Path.Combine(directory, "master.db")] : ["--postgres", database];
                    await using var master = await MasterProcess.StartAsync(
                        [.. store, "--setup", "--computers", $"{computers}", "--partitions", $"{partitions}"], TimeSpan.FromMinutes(3));
                    using var http = new Clients(master.Url, Math.Max(n, 4));
                    var client = http.For(api);
                    await PhaseAsync(api, n, "allocate", client, master, total, limit);
                    await PhaseAsync(api, n, "re-request", client, master, total, limit);
                }
                finally
                {
                    Directory.Delete(directory, recursive: true);
                    if (database is not null)
                    {
                        await PostgresDatabases.DropAsync(postgres!, database);
                    }
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return 0;
    }

    private static async Task PhaseAsync(string api, int clients, string phase, ISlapMasterClient client, MasterProcess master, int total, TimeSpan limit)
    {
        var next = -1;
        var errors = 0;
        var given = new ConcurrentDictionary<(string?, string?), int>();
        var latencies = new ConcurrentBag<double>();
        var masterCpu = master.CpuSeconds;
        var driverCpu = Measure.CpuSeconds();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && clock.Elapsed < limit)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var instance = await client.RequestInstanceAsync(new InstanceRequest
                    {
                        Title = $"instance-{i:D6}",
                        SoftwareReleaseUrl = MasterServer.Release,
                        Parameters = new Dictionary<string, string> { ["index"] = i.ToString(CultureInfo.InvariantCulture) },
                    }, default);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    given.AddOrUpdate((instance.ComputerReference, instance.PartitionReference), 1, (_, c) => c + 1);
                }
                catch (Exception e) when (e is SlapException or HttpRequestException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        Console.Error.WriteLine($"{api} {phase}: {e.Message}");
                    }
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var distinct = given.Keys.Count(k => k.Item2 is not null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {api} | {clients} | {phase} | {latencies.Count} | {distinct} | {errors} | {seconds:F2} | {latencies.Count / seconds:F0} | {Measure.Latencies(latencies)} | {master.CpuSeconds - masterCpu:F1} | {Measure.CpuSeconds() - driverCpu:F1} | {master.PeakRssMiB:F0} |"));
    }
}
