using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>usage</c> scenario: computers × partitions registered in a master process (SQLite), then every
/// computer sends one usage document (one record per partition: CPU, memory, disk, processes) through the
/// node's JSON client (<c>slapos.post.v0.compute_node_usage</c>, TioXML inside) or XML client
/// (<c>useComputer</c>); rows/s into the store, counted back from the database afterwards.
/// </summary>
internal static class UsageScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var computers = options.Int("--computers", 1000);
        var partitions = options.Int("--partitions", 100);
        var clients = options.Ints("--clients", "4");
        var apis = options.Get("--api", "json,xml").Split(',');
        var limit = TimeSpan.FromSeconds(options.Double("--phase-seconds", 120));
        Measure.PrintConditions("usage", string.Create(CultureInfo.InvariantCulture,
            $"load: master process on loopback, SQLite (WAL), {computers} computers x {partitions} partitions; each computer sends one usage document of {partitions} records; fresh master per row, bounded to {limit.TotalSeconds:F0} s"));
        Console.WriteLine("| api | clients | documents | errors | rows stored | seconds | documents/s | rows/s | p50 ms | p99 ms | max ms | master CPU s | master peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var exit = 0;
        foreach (var api in apis)
        {
            foreach (var n in clients)
            {
                var directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
                var database = Path.Combine(directory, "master.db");
                try
                {
                    var master = await MasterProcess.StartAsync(
                        ["--sqlite", database, "--setup", "--computers", $"{computers}", "--partitions", $"{partitions}"], TimeSpan.FromMinutes(5));
                    long rows;
                    string line;
                    try
                    {
                        using var http = new Clients(master.Url, Math.Max(n, 4));
                        var client = http.For(api);
                        var next = -1;
                        var errors = 0;
                        var latencies = new ConcurrentBag<double>();
                        var cpu = master.CpuSeconds;
                        var now = DateTimeOffset.UtcNow;
                        var clock = Stopwatch.StartNew();
                        await Task.WhenAll(Enumerable.Range(0, n).Select(_ => Task.Run(async () =>
                        {
                            int c;
                            while ((c = Interlocked.Increment(ref next)) < computers && clock.Elapsed < limit)
                            {
                                var computer = MasterServer.ComputerName(c);
                                var report = new UsageReport(computer, [.. Enumerable.Range(0, partitions).Select(p => new UsageRecord
                                {
                                    ComputerReference = computer,
                                    PartitionReference = $"slappart{p}",
                                    Start = now.AddMinutes(-1),
                                    End = now,
                                    CpuSeconds = 1.5 + p,
                                    MemoryBytes = 50_000_000 + p,
                                    DiskBytes = 200_000_000 + p,
                                    ProcessCount = 3,
                                })]);
                                var started = Stopwatch.GetTimestamp();
                                try
                                {
                                    await client.ReportUsageAsync(report, default);
                                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                                }
                                catch (Exception e) when (e is SlapException or HttpRequestException)
                                {
                                    if (Interlocked.Increment(ref errors) == 1)
                                    {
                                        Console.Error.WriteLine($"{api} usage {computer}: {e.Message}");
                                    }
                                }
                            }
                        })));
                        var seconds = clock.Elapsed.TotalSeconds;
                        var masterCpu = master.CpuSeconds - cpu;
                        var rss = master.PeakRssMiB;
                        await master.DisposeAsync();
                        rows = await CountRowsAsync(database);
                        if (rows != (long)latencies.Count * partitions)
                        {
                            exit = 1;
                        }

                        line = string.Create(CultureInfo.InvariantCulture,
                            $"| {api} | {n} | {latencies.Count} | {errors} | {rows} | {seconds:F2} | {latencies.Count / seconds:F0} | {rows / seconds:F0} | {Measure.Latencies(latencies)} | {masterCpu:F1} | {rss:F0} |");
                    }
                    finally
                    {
                        await master.DisposeAsync();
                    }

                    Console.WriteLine(line);
                }
                finally
                {
                    SqliteConnection.ClearAllPools();
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return exit;
    }

    private static async Task<long> CountRowsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM usage_records";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
