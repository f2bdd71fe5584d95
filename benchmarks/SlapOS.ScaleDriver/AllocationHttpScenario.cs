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
                await using var fresh = await FreshMaster.StartAsync(postgres, ["--computers", $"{computers}", "--partitions", $"{partitions}"], TimeSpan.FromMinutes(3));
                var master = fresh.Process;
                using var http = new Clients(master.Url, Math.Max(n, 4));
                var client = http.For(api);
                await PhaseAsync(api, n, "allocate", client, master, total, limit);
                await PhaseAsync(api, n, "re-request", client, master, total, limit);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return 0;
    }

    private static async Task PhaseAsync(string api, int clients, string phase, ISlapMasterClient client, MasterProcess master, int total, TimeSpan limit)
    {
        var r = await RequestPhase.RunAsync($"{api} {phase}", client, master, clients, total, limit, i => new InstanceRequest
        {
            Title = $"instance-{i:D6}",
            SoftwareReleaseUrl = MasterServer.Release,
            Parameters = new Dictionary<string, string> { ["index"] = i.ToString(CultureInfo.InvariantCulture) },
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {api} | {clients} | {phase} | {r.Answered} | {r.DistinctPartitions} | {r.Errors} | {r.Seconds:F2} | {r.PerSecond:F0} | {r.Latencies} | {r.MasterCpuSeconds:F1} | {r.DriverCpuSeconds:F1} | {master.PeakRssMiB:F0} |"));
    }
}
