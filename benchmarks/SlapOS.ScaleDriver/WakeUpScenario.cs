using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>wake-up</c> scenario: two master processes on one PostgreSQL database; a node long-polls master A
/// (<c>slapos.wait.v0.compute_node_change</c>) while its instance is changed through master B, N times in turn.
/// The latency is from B's acknowledgement of the change (its commit, hence its NOTIFY) to A's answer reaching the
/// node: LISTEN/NOTIFY across masters plus A's re-read of the stamp. Every answer must say <c>changed</c>.
/// </summary>
internal static class WakeUpScenario
{
    public static async Task<int> RunAsync(Options options)
    {
        var postgres = options.Get("--postgres") ?? throw new ArgumentException("wake-up needs --postgres <connection string>");
        var changes = options.Int("--changes", 200);
        Measure.PrintConditions("wake-up", string.Create(CultureInfo.InvariantCulture,
            $"load: two master processes on one PostgreSQL database; one node long-polls master A (timeout 30 s) while its instance is changed through master B, {changes} times in turn"));

        var unchanged = -1;
        await using (var masters = await MasterPair.StartAsync(postgres, ["--computers", "1", "--partitions", "1"], TimeSpan.FromMinutes(2)))
        {
            var (a, b) = (masters.A, masters.B);
            using var node = new Clients(a.Url, 2);
            using var requester = new Clients(b.Url, 2);
            var computer = MasterServer.ComputerName(0);
            InstanceRequest Change(int i) => new()
            {
                Title = "wake-up",
                SoftwareReleaseUrl = MasterServer.Release,
                Parameters = new Dictionary<string, string> { ["change"] = i.ToString(CultureInfo.InvariantCulture) },
                Sla = new Dictionary<string, string> { ["computer_guid"] = computer },
            };

            await requester.Json.RequestInstanceAsync(Change(0), default);
            var (_, seen) = await WaitAsync(node.Http, computer, 0, null);
            var latencies = new List<double>();
            unchanged = 0;
            for (var i = 1; i <= changes; i++)
            {
                var waiting = WaitAsync(node.Http, computer, 30, seen);
                await Task.Delay(100); // the long-poll is open on A before the change
                await requester.Json.RequestInstanceAsync(Change(i), default);
                var acknowledged = Stopwatch.GetTimestamp();
                var (changed, stamp) = await waiting;

                // Woken before B's answer came back: 0 (the signal outran the acknowledgement).
                latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds));
                unchanged += changed ? 0 : 1;
                seen = stamp;
            }

            Console.WriteLine("| changes | p50 ms | p99 ms | max ms | answered changed=false |");
            Console.WriteLine("|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {changes} | {Measure.Latencies(latencies)} | {unchanged} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"answered changed=false: {unchanged}");
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return unchanged == 0 ? 0 : 1;
    }

    private static async Task<(bool Changed, long Stamp)> WaitAsync(HttpClient http, string computer, double timeout, long? seen)
    {
        var body = new Dictionary<string, object> { ["computer_guid"] = computer, ["timeout"] = timeout };
        if (seen is { } stamp)
        {
            body["change_stamp"] = stamp;
        }

        using var response = await http.PostAsJsonAsync("slapos.wait.v0.compute_node_change", body);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("changed").GetBoolean(), json.RootElement.GetProperty("change_stamp").GetInt64());
    }
}
