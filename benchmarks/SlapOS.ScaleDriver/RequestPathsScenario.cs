using System.Globalization;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>request-paths</c> scenario: does a request cost the same whatever the size of the computer it lands on?
/// For each layout (computers × partitions) a fresh master process on loopback, then distinct root requests through
/// the JSON API (<c>slapos.post.v0.software_instance</c>, one client, one keep-alive connection), each pinned to a
/// computer in turn by <c>computer_guid</c>, then the same requests again (idempotent re-requests). The default
/// layouts are the issue's: 10 × 100 with 1,000 requests, and one computer of 100 against one of 1,000.
/// </summary>
internal static class RequestPathsScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var layouts = options.Get("--layouts", "10x100,1x100,1x1000").Split(',').Select(Layout).ToList();
        var requests = options.Int("--requests", 1000);
        var limit = TimeSpan.FromSeconds(options.Double("--phase-seconds", 120));
        var postgres = options.Get("--postgres");
        Measure.PrintConditions("request-paths", string.Create(CultureInfo.InvariantCulture,
            $"load: master process on loopback, {(postgres is null ? "SQLite (WAL)" : "PostgreSQL")}; per layout up to {requests} distinct JSON v0 requests pinned by computer_guid, then the same again; one client, one connection; fresh master per layout"));
        Console.WriteLine("| layout | phase | requests | distinct partitions | errors | seconds | requests/s | p50 ms | p99 ms | max ms | master CPU s | master peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (computers, partitions) in layouts)
        {
            var count = Math.Min(requests, computers * partitions);
            await using var fresh = await FreshMaster.StartAsync(postgres, ["--computers", $"{computers}", "--partitions", $"{partitions}"], TimeSpan.FromMinutes(3));
            var master = fresh.Process;
            using var http = new Clients(master.Url, 1);
            var layout = $"{computers} x {partitions}";
            await PhaseAsync(layout, "distinct", http.Json, master, computers, count, limit);
            await PhaseAsync(layout, "re-request", http.Json, master, computers, count, limit);
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return 0;
    }

    private static (int Computers, int Partitions) Layout(string text)
    {
        var parts = text.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static async Task PhaseAsync(string layout, string phase, SlapOS.Slave.JsonSlapMasterClient client, MasterProcess master, int computers, int total, TimeSpan limit)
    {
        var r = await RequestPhase.RunAsync($"{layout} {phase}", client, master, clients: 1, total, limit, i => new InstanceRequest
        {
            Title = $"inst{i}",
            SoftwareReleaseUrl = MasterServer.Release,
            Parameters = new Dictionary<string, string> { ["i"] = i.ToString(CultureInfo.InvariantCulture) },
            Sla = new Dictionary<string, string> { ["computer_guid"] = MasterServer.ComputerName(i % computers) },
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {layout} | {phase} | {r.Answered} | {r.DistinctPartitions} | {r.Errors} | {r.Seconds:F2} | {r.PerSecond:F0} | {r.Latencies} | {r.MasterCpuSeconds:F1} | {master.PeakRssMiB:F0} |"));
    }
}
