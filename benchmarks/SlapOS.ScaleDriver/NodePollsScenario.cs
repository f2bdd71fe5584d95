using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>node-polls</c> scenario: N simulated computers (one allocated instance each) each fetch their
/// document (<c>getFullComputerInformation</c>, XML client; <c>--api json</c>: the JSON client) every period and report their partitions
/// started, the polls spread evenly over the minute, for a bounded time (open loop: a slow master makes
/// polls pile up, not slow down). Meanwhile a node long-polls <c>slapos.wait.v0.compute_node_change</c>
/// and the driver changes one of its instances: the time until the waiting node is woken up.
/// </summary>
internal static class NodePollsScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var sizes = options.Ints("--computers", "1000,10000");
        var seconds = options.Double("--seconds", 60);
        var period = options.Double("--period", 60);
        var wakeups = options.Int("--wakeups", 10);
        var json = options.Get("--api", "xml") == "json";
        Measure.PrintConditions("node-polls", string.Create(CultureInfo.InvariantCulture,
            $"load: master process on loopback, SQLite (WAL); N computers of 2 partitions, 1 instance each; each computer polls every {period:F0} s ({(json ? "JSON client: software and instance lists with If-None-Match, the instance and its shared list, a started report per instance" : "getFullComputerInformation + startedComputerPartition per instance, XML client")}, one shared connection pool of 64), for {seconds:F0} s; {wakeups} long-poll wake-ups during the run"));
        Console.WriteLine("| computers | polls | HTTP requests | errors | seconds | polls/s | poll p50 ms | poll p99 ms | poll max ms | master CPU s | master CPU % of one core | master peak RSS MiB | wake-up p50 ms | wake-up max ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var computers in sizes)
        {
            var directory = Directory.CreateTempSubdirectory("slapos-bench-").FullName;
            try
            {
                await using var master = await MasterProcess.StartAsync(
                    ["--sqlite", Path.Combine(directory, "master.db"), "--setup", "--computers", $"{computers}", "--partitions", "2", "--allocate", $"{computers}", "--params", "3"], TimeSpan.FromMinutes(5));
                using var clients = new Clients(master.Url, 64);
                using var waiter = new Clients(master.Url, 4);
                await RowAsync(computers, seconds, period, wakeups, master, json ? clients.Json : clients.Xml, waiter);
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

    private static async Task RowAsync(int computers, double seconds, double period, int wakeups, MasterProcess master, ISlapMasterClient client, Clients waiter)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var requests = 0L;
        var cpu = master.CpuSeconds;
        var clock = Stopwatch.StartNew();
        var wakeup = WakeUpsAsync(computers, seconds, wakeups, waiter);
        var polls = new List<Task>();
        for (var n = 0; ; n++)
        {
            var due = TimeSpan.FromSeconds(n * period / computers);
            if (due.TotalSeconds >= seconds)
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var computer = MasterServer.ComputerName(n % computers);
            polls.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var document = await client.GetComputerDocumentAsync(computer, default);
                    Interlocked.Increment(ref requests);
                    foreach (var partition in document.Partitions.Where(p => p.InstanceReference is not null))
                    {
                        await client.ReportInstanceStateAsync(computer, partition.PartitionReference, ReportedState.Started, null, default);
                        Interlocked.Increment(ref requests);
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is SlapException or HttpRequestException or TaskCanceledException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        Console.Error.WriteLine($"poll {computer}: {e.Message}");
                    }
                }
            }));
        }

        await Task.WhenAll(polls);
        var elapsed = clock.Elapsed.TotalSeconds;
        var masterCpu = master.CpuSeconds - cpu;
        var wakeupTimes = await wakeup;
        var sortedWakeups = wakeupTimes.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {computers} | {latencies.Count} | {requests} | {errors} | {elapsed:F1} | {latencies.Count / elapsed:F0} | {Measure.Latencies(latencies)} | {masterCpu:F1} | {100 * masterCpu / elapsed:F0} | {master.PeakRssMiB:F0} | {Measure.Percentile(sortedWakeups, 0.5):F1} | {(sortedWakeups.Length == 0 ? double.NaN : sortedWakeups[^1]):F1} |"));
    }

    /// <summary>Wake-ups spread over the run: a node waits on its computer, the driver changes that computer's instance over the JSON API.</summary>
    private static async Task<List<double>> WakeUpsAsync(int computers, double seconds, int count, Clients waiter)
    {
        var times = new List<double>();
        for (var w = 0; w < count; w++)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds / (count + 1)) - TimeSpan.FromMilliseconds(300));
            var index = (w * 7919) % computers;
            var computer = MasterServer.ComputerName(index);
            var waiting = waiter.Json.WaitForChangeAsync(computer, null, TimeSpan.FromSeconds(30), default);
            await Task.Delay(300); // let the long-poll reach the master and subscribe
            var started = Stopwatch.GetTimestamp();
            await waiter.Json.RequestInstanceAsync(new InstanceRequest
            {
                Title = $"pre-{index:D6}",
                SoftwareReleaseUrl = MasterServer.Release,
                Parameters = new Dictionary<string, string>(MasterServer.InstanceParameters(index, 3)) { ["changed"] = w.ToString(CultureInfo.InvariantCulture) },
                Sla = new Dictionary<string, string> { ["computer_guid"] = computer },
            }, default);
            if (await waiting)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                Console.Error.WriteLine($"wake-up {w}: the waiting node was not woken up within 30 s");
            }
        }

        return times;
    }
}
