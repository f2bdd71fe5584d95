using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>contention</c> scenario: two master processes (each its own connection pool) on one PostgreSQL
/// database, the cloud 95 % full, 16 concurrent clients (half on each master, JSON API) asking for twice
/// as many distinct instances as there are free partitions. Counts allocations, "no free partition"
/// answers, reservations that lost a race and were retried on another computer, and double allocations
/// (two instances on one partition), from the answers and from the database: both must be 0.
/// </summary>
internal static class ContentionScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var postgres = options.Get("--postgres") ?? throw new ArgumentException("contention needs --postgres <connection string>");
        var clients = options.Int("--clients", 16);
        var computers = options.Int("--computers", 20);
        var partitions = options.Int("--partitions", 100);
        var fill = options.Double("--fill", 0.95);
        var total = computers * partitions;
        var allocated = (int)(total * fill);
        var free = total - allocated;
        var requests = options.Int("--requests", free * 2);
        Measure.PrintConditions("contention", string.Create(CultureInfo.InvariantCulture,
            $"load: two master processes on one PostgreSQL database, {computers} computers x {partitions} partitions, {allocated} allocated beforehand ({fill:P0} full, {free} free); {clients} clients (half on each master, JSON client) ask for {requests} distinct instances"));

        var doubles = -1L;
        await using (var masters = await MasterPair.StartAsync(postgres, ["--computers", $"{computers}", "--partitions", $"{partitions}", "--allocate", $"{allocated}"], TimeSpan.FromMinutes(5)))
        {
            var (a, b, connection) = (masters.A, masters.B, masters.Database);
            using var ca = new Clients(a.Url, clients);
            using var cb = new Clients(b.Url, clients);
            var next = -1;
            var noCapacity = 0;
            var errors = 0;
            var given = new ConcurrentDictionary<(string?, string?), int>();
            var latencies = new ConcurrentBag<double>();
            var cpuA = a.CpuSeconds;
            var cpuB = b.CpuSeconds;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
            {
                var client = (w % 2 == 0 ? ca : cb).Json;
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests && clock.Elapsed < TimeSpan.FromMinutes(2))
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var instance = await client.RequestInstanceAsync(new InstanceRequest
                        {
                            Title = $"contended-{i:D6}",
                            SoftwareReleaseUrl = MasterServer.Release,
                            Parameters = new Dictionary<string, string> { ["index"] = i.ToString(CultureInfo.InvariantCulture) },
                        }, default);
                        given.AddOrUpdate((instance.ComputerReference, instance.PartitionReference), 1, (_, c) => c + 1);
                    }
                    catch (SlapException e) when (e.Kind == SlapErrorKind.NoCapacity)
                    {
                        Interlocked.Increment(ref noCapacity);
                    }
                    catch (Exception e) when (e is SlapException or HttpRequestException)
                    {
                        if (Interlocked.Increment(ref errors) == 1)
                        {
                            Console.Error.WriteLine($"request {i}: {e.Message}");
                        }
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })));
            var seconds = clock.Elapsed.TotalSeconds;
            var masterCpu = a.CpuSeconds - cpuA + (b.CpuSeconds - cpuB);
            var allocations = given.Values.Sum();
            var doubleAnswers = given.Values.Count(c => c > 1);
            doubles = await ScalarAsync(connection, """
                SELECT count(*) FROM (SELECT computer_reference, partition_reference FROM instances
                WHERE partition_reference IS NOT NULL GROUP BY computer_reference, partition_reference HAVING count(*) > 1) AS d
                """);
            var busy = await ScalarAsync(connection, "SELECT count(*) FROM partitions WHERE state = 'busy'");
            var placed = await ScalarAsync(connection, "SELECT count(*) FROM instances WHERE partition_reference IS NOT NULL");
            await a.DisposeAsync();
            await b.DisposeAsync();
            Console.WriteLine("| clients | requests | allocated | no free partition | errors | seconds | requests/s | p50 ms | p99 ms | max ms | masters CPU s | lost races retried (a + b) | double allocations (answers / database) | busy partitions / placed instances |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {clients} | {latencies.Count} | {allocations} | {noCapacity} | {errors} | {seconds:F2} | {latencies.Count / seconds:F0} | {Measure.Latencies(latencies)} | {masterCpu:F1} | {LostRaces(a.Tail)} + {LostRaces(b.Tail)} | {doubleAnswers} / {doubles} | {busy} / {placed} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"double allocations: {doubles}");
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return doubles == 0 ? 0 : 1;
    }

    private static string LostRaces(string tail) =>
        tail.Split(' ', '\n').FirstOrDefault(t => t.StartsWith("lost-races=", StringComparison.Ordinal))?["lost-races=".Length..] ?? "?";

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
