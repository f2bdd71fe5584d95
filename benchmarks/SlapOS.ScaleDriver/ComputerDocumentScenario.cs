using System.Diagnostics;
using System.Globalization;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>computer-document</c> scenario: one computer with 100 and 1,000 allocated partitions (5 parameters
/// each), its document fetched as the node does: <c>getFullComputerInformation</c> (raw body, and decoded by
/// the XML client) and the JSON client's calls (installation list, instance list, then per instance).
/// </summary>
internal static class ComputerDocumentScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var sizes = options.Ints("--sizes", "100,1000");
        var iterations = options.Int("--iterations", 30);
        var limit = TimeSpan.FromSeconds(options.Double("--phase-seconds", 60));
        Measure.PrintConditions("computer-document", string.Create(CultureInfo.InvariantCulture,
            $"load: master process on loopback, SQLite (WAL), one computer with N partitions all allocated (5 parameters each); {iterations} fetches per row after 3 warm-up fetches, one client, each row bounded to {limit.TotalSeconds:F0} s"));
        Console.WriteLine("| partitions | fetch | fetches | HTTP calls per fetch | bytes per fetch | p50 ms | p99 ms | max ms | master CPU s per fetch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
            try
            {
                await using var master = await MasterProcess.StartAsync(
                    ["--sqlite", Path.Combine(directory, "master.db"), "--setup", "--computers", "1", "--partitions", $"{size}", "--allocate", $"{size}"], TimeSpan.FromMinutes(3));
                using var clients = new Clients(master.Url, 8);
                var computer = MasterServer.ComputerName(0);
                await RowAsync(size, "XML getFullComputerInformation (raw body)", iterations, limit, master, clients, async () =>
                {
                    using var response = await clients.Http.GetAsync(new Uri("getFullComputerInformation?computer_id=" + computer, UriKind.Relative));
                    response.EnsureSuccessStatusCode();
                    return 0;
                });
                await RowAsync(size, "XML client (fetch + decode)", iterations, limit, master, clients, async () =>
                    (await clients.Xml.GetComputerDocumentAsync(computer, default)).Partitions.Count);
                await RowAsync(size, "JSON client (list + per instance)", iterations, limit, master, clients, async () =>
                    (await clients.Json.GetComputerDocumentAsync(computer, default)).Partitions.Count);
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return 0;
    }

    private static async Task RowAsync(int size, string name, int iterations, TimeSpan limit, MasterProcess master, Clients clients, Func<Task<int>> fetch)
    {
        for (var w = 0; w < 3; w++)
        {
            await fetch();
        }

        clients.Counter.Reset();
        var latencies = new List<double>();
        var cpu = master.CpuSeconds;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations && clock.Elapsed < limit; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var count = await fetch();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (count != 0 && count != size)
            {
                throw new InvalidOperationException($"{name}: the document had {count} partitions, not {size}");
            }
        }

        var n = latencies.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size} | {name} | {n} | {clients.Counter.Calls / (double)n:F0} | {clients.Counter.Bytes / n:N0} | {Measure.Latencies(latencies)} | {(master.CpuSeconds - cpu) / n:F3} |"));
    }
}
