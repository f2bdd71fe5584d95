using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SlapOS.Tests;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>failover</c> scenario: a PostgreSQL primary and a synchronous streaming standby (Debian binaries, started
/// by the driver), N master processes on a multi-host connection string (<c>Target Session Attributes=primary</c>),
/// clients allocating distinct instances through the JSON API, spread over the masters. During the run one master is
/// killed (its clients move to the next master, as a load balancer's health check would send them), then the
/// primary and its backends are killed with <c>kill -9</c> and the standby promoted with <c>pg_ctl promote</c>.
/// Prints acknowledged, lost, double and moved allocations (checked on the promoted standby), the answers the
/// clients saw, and the outage windows.
/// </summary>
internal static class FailoverScenario
{
    private const string StandbyName = "slapos_bench_standby";

    public static async Task<int> RunAsync(Options options)
    {
        var masters = options.Int("--masters", 3);
        var clients = options.Int("--clients", 16);
        var computers = options.Int("--computers", 20);
        var partitions = options.Int("--partitions", 400);
        var requests = options.Int("--requests", Math.Min(6000, computers * partitions));
        var primaryPort = options.Int("--primary-port", 55485);
        var standbyPort = options.Int("--standby-port", 55495);
        var firstHttpPort = options.Int("--http-port", 47520);
        var killMasterAt = options.Double("--kill-master-at", 0.15);
        var killPrimaryAt = options.Double("--kill-primary-at", 0.35);
        var promoteAfter = TimeSpan.FromSeconds(options.Double("--promote-after", 2));
        Measure.PrintConditions("failover", string.Create(CultureInfo.InvariantCulture,
            $"load: PostgreSQL 15 primary (port {primaryPort}) + synchronous standby (port {standbyPort}, pg_basebackup -R, synchronous_standby_names), fsync=off; "
            + $"{masters} master processes (HTTP ports {firstHttpPort}..) on a multi-host connection string (Target Session Attributes=primary, Host Recheck Seconds=1); "
            + $"{computers} computers x {partitions} partitions; {clients} clients (JSON v0 over HTTP, spread over the masters) ask for {requests} distinct instances; "
            + $"master {masters - 1} killed (kill -9) at {killMasterAt:P0} acknowledged, its clients move to the next master; "
            + $"primary + backends killed (kill -9) at {killPrimaryAt:P0}, standby promoted {promoteAfter.TotalSeconds:F1} s later (pg_ctl promote)"));

        var (primary, standby) = await PrivatePostgres.StartSynchronousPairAsync(primaryPort, standbyPort, StandbyName);
        await using var primaryServer = primary;
        await using var standbyServer = standby;
        var connection = PrivatePostgres.MultiHostConnectionString(primary, standby);

        var processes = new List<MasterProcess>();
        try
        {
            processes.Add(await MasterProcess.StartAsync(["--postgres", connection, "--name", "master-0", "--port", $"{firstHttpPort}", "--setup", "--computers", $"{computers}", "--partitions", $"{partitions}"], TimeSpan.FromMinutes(5)));
            for (var m = 1; m < masters; m++)
            {
                processes.Add(await MasterProcess.StartAsync(["--postgres", connection, "--name", $"master-{m}", "--port", $"{firstHttpPort + m}"], TimeSpan.FromMinutes(1)));
            }

            var run = new FailoverRun(processes.Select(p => p.Url).ToList(), clients, requests, computers);
            var load = run.RunAsync(TimeSpan.FromMinutes(5));

            await FailoverRun.WaitForAsync(() => run.Acknowledged >= requests * killMasterAt);
            var masterKilled = run.Mark("master killed");
            await processes[^1].KillAsync();

            await FailoverRun.WaitForAsync(() => run.Acknowledged >= requests * killPrimaryAt);
            var primaryKilled = run.Mark("primary killed");
            var postmaster = await primary.KillServerAndBackendsAsync();
            await Task.Delay(promoteAfter);
            var promoted = run.Mark("standby promoted");
            await standby.PromoteAsync();
            await load;

            var stored = await StoredAsync(standby);
            var byTitle = stored.GroupBy(s => s.Title).ToDictionary(g => g.Key, g => g.Select(s => s.Place).ToList(), StringComparer.Ordinal);
            var lost = run.Placed.Count(x => !byTitle.ContainsKey(x.Key));
            var moved = run.Placed.Count(x => byTitle.TryGetValue(x.Key, out var at) && !at.Contains(x.Value));
            var doubled = stored.GroupBy(s => s.Place).Count(g => g.Count() > 1) + byTitle.Count(t => t.Value.Count > 1);

            var times = run.AcknowledgedAt.Order().ToList();
            var gaps = times.Zip(times.Skip(1), (x, y) => (From: x, Gap: y - x)).ToList();
            var longest = gaps.Count == 0 ? default : gaps.MaxBy(g => g.Gap);
            string After(TimeSpan at) => times.FirstOrDefault(t => t > at) is var first && first > at
                ? string.Create(CultureInfo.InvariantCulture, $"{(first - at).TotalSeconds:F2} s") : "never";

            Console.WriteLine("| masters | clients | requests | acknowledged | lost | double | moved | 503 (with Retry-After) | connection errors | other answers | seconds | longest gap between acknowledgements | first ack after master kill / primary kill / promotion | request p50 / p99 / max ms |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {masters} | {clients} | {requests} | {run.Placed.Count} | {lost} | {doubled} | {moved} | {run.Unavailable} ({run.Unavailable - run.MissingRetryAfter}) | {run.ConnectionErrors} | {run.Other} | {run.Seconds:F1} | {longest.Gap.TotalSeconds:F2} s (at {longest.From.TotalSeconds:F1} s) | {After(masterKilled)} / {After(primaryKilled)} / {After(promoted)} | {Measure.Latencies(run.Latencies).Replace(" | ", " / ", StringComparison.Ordinal)} |"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"timeline: master {masters - 1} killed at {masterKilled.TotalSeconds:F1} s, postmaster {postmaster} killed at {primaryKilled.TotalSeconds:F1} s, standby promoted at {promoted.TotalSeconds:F1} s, last acknowledgement at {(times.Count == 0 ? 0 : times[^1].TotalSeconds):F1} s"));
            Console.WriteLine($"unavailability as the clients saw it (no acknowledgement anywhere): longest {longest.Gap.TotalSeconds:F2} s");
            Console.WriteLine($"lost {lost}, double {doubled}, moved {moved}, other answers {run.Other}");
            Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
            var ok = lost == 0 && doubled == 0 && moved == 0 && run.Other == 0 && run.MissingRetryAfter == 0 && run.Placed.Count == requests;
            return ok ? 0 : 1;
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            NpgsqlConnection.ClearAllPools();
        }
    }

    private static async Task<List<(string Title, (string, string) Place)>> StoredAsync(PrivatePostgres server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using (var role = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection))
        {
            if ((bool)(await role.ExecuteScalarAsync())!)
            {
                throw new InvalidOperationException("the standby was not promoted");
            }
        }

        var stored = new List<(string, (string, string))>();
        await using var command = new NpgsqlCommand("SELECT title, computer_reference, partition_reference FROM instances WHERE title LIKE 'failover-%' AND partition_reference IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add((reader.GetString(0), (reader.GetString(1), reader.GetString(2))));
        }

        return stored;
    }
}
