using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;
using SlapOS.Tests;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// A primary and a synchronous streaming standby (Debian binaries: initdb, pg_basebackup -R,
/// synchronous_standby_names), two masters on a multi-host connection string, clients allocating through both.
/// The primary is killed with kill -9 mid-load, the standby promoted with pg_ctl promote: the masters answer 503
/// with Retry-After while there is no primary, then serve again without a restart, and every acknowledged
/// allocation is on the new primary, where it was acknowledged, once.
/// </summary>
public sealed class ReplicatedFailoverTests(ITestOutputHelper output)
{
    private const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";
    private const string Computer = "COMP-FAILOVER";
    private const string StandbyName = "slapos_standby";
    private const int Partitions = 1000;
    private const int Clients = 8;

    [Fact]
    public async Task Killing_the_primary_and_promoting_the_sync_standby_loses_doubles_and_moves_nothing()
    {
        // The ports given to this test (ops17's); the suite's shared PostgreSQL is elsewhere.
        var (primary, standby) = await PrivatePostgres.StartSynchronousPairAsync(55486, 55487, StandbyName);
        await using var primaryServer = primary;
        await using var standbyServer = standby;
        var connectionString = PrivatePostgres.MultiHostConnectionString(primary, standby);
        using var log = new ErrorLogRecorder();
        await using var a = await SharedStoreMaster.StartAsync(m => m.UsePostgreSql(connectionString), log: log);
        await using var b = await SharedStoreMaster.StartAsync(m => m.UsePostgreSql(connectionString), log: log);
        await a.FormatAsync(Computer, Partitions);
        SharedStoreMaster[] masters = [a, b];

        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var statuses = new ConcurrentDictionary<int, int>();
        var acknowledgedAt = new ConcurrentQueue<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var missingRetryAfter = 0;
        var next = 0;
        using var stop = new CancellationTokenSource();
        async Task ClientAsync(int client)
        {
            var master = masters[client % masters.Length];
            while (!stop.IsCancellationRequested)
            {
                var number = Interlocked.Increment(ref next);
                if (number > Partitions - 50)
                {
                    return;
                }

                var title = "failover-" + number;
                while (!stop.IsCancellationRequested)
                {
                    using var response = await master.Http.PostAsJsonAsync("/slapos.post.v0.software_instance", new Dictionary<string, object>
                    {
                        ["title"] = title, ["software_release_uri"] = Release, ["software_type"] = "default",
                        ["sla_parameters"] = new Dictionary<string, string> { ["computer_guid"] = Computer },
                    });
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        acknowledged[title] = json.RootElement.GetProperty("compute_partition_id").GetString()!;
                        acknowledgedAt.Enqueue(clock.Elapsed);
                        break;
                    }

                    // Anything but "no primary, try again" is a failure of the test (asserted below from the counts).
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    {
                        output.WriteLine($"{title}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        return;
                    }

                    if (response.Headers.RetryAfter is null)
                    {
                        Interlocked.Increment(ref missingRetryAfter);
                    }

                    await Task.Delay(100);
                }
            }
        }

        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c))).ToList();
        await WaitForAsync(() => acknowledged.Count >= 80, "allocations before the kill");

        var beforeKill = acknowledged.Count;
        var killedAt = clock.Elapsed;
        var pid = await primary.KillServerAndBackendsAsync();

        // No primary for a while: the masters must say so with 503 + Retry-After (the fault is proven by them).
        await WaitForAsync(() => statuses.GetValueOrDefault(503) > 0, "a 503 while there is no primary");
        await Task.Delay(1000);
        var promotedAt = clock.Elapsed;
        await standby.PromoteAsync();
        var atPromotion = acknowledged.Count;
        await WaitForAsync(() => acknowledged.Count >= atPromotion + 80 || clients.All(c => c.IsCompleted), "allocations after the promotion");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var times = acknowledgedAt.OrderBy(t => t).ToList();
        var firstAfterKill = times.FirstOrDefault(t => t > killedAt);
        var longestGap = times.Zip(times.Skip(1), (x, y) => y - x).Max();
        output.WriteLine($"postmaster {pid} killed after {beforeKill} acknowledged; promoted {(promotedAt - killedAt).TotalSeconds:F1} s later; "
            + $"first acknowledgement after the kill {(firstAfterKill - killedAt).TotalSeconds:F1} s after it; longest gap between acknowledgements {longestGap.TotalSeconds:F1} s");
        output.WriteLine($"statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; {acknowledged.Count} acknowledged in all");

        foreach (var entry in log.Entries.Where(e => !e.Contains("answered 503", StringComparison.Ordinal)).Take(20))
        {
            output.WriteLine(entry);
        }

        Assert.Equal([200, 503], statuses.Keys.Order());
        Assert.Equal(0, missingRetryAfter);
        Assert.True(acknowledged.Count >= atPromotion + 80, "the masters must serve again on the promoted standby without a restart");

        // On the new primary: every acknowledged allocation, in the partition it was acknowledged with, no partition twice.
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={standby.Port};Username=postgres;Database=postgres");
        await connection.OpenAsync();
        await using (var role = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection))
        {
            Assert.False((bool)(await role.ExecuteScalarAsync())!, "the standby must have been promoted");
        }

        var stored = new List<(string Title, string Partition)>();
        await using (var command = new NpgsqlCommand("SELECT title, partition_reference FROM instances WHERE computer_reference = @c", connection))
        {
            command.Parameters.AddWithValue("c", Computer);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var byTitle = stored.GroupBy(s => s.Title).ToDictionary(g => g.Key, g => g.Select(s => s.Partition).ToList(), StringComparer.Ordinal);
        var lost = acknowledged.Count(x => !byTitle.ContainsKey(x.Key));
        var moved = acknowledged.Count(x => byTitle.TryGetValue(x.Key, out var at) && !at.Contains(x.Value));
        var doubled = stored.GroupBy(s => s.Partition).Count(g => g.Count() > 1) + byTitle.Count(t => t.Value.Count > 1);
        output.WriteLine($"acknowledged {acknowledged.Count}, lost {lost}, double {doubled}, moved {moved}");
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
        Assert.Equal(0, moved);

        // The change signals followed the primary too: a node waiting on A learns of a change made through B.
        var (_, seen) = await a.WaitForChangeAsync(Computer, 0, null);
        var waiting = a.WaitForChangeAsync(Computer, 60, seen);
        var signal = Stopwatch.StartNew();
        await b.Slap.SupplyAsync(Computer, Release + "?after-failover", SupplyState.Available, default);
        var (changed, _) = await waiting;
        Assert.True(changed);
        Assert.True(signal.Elapsed < TimeSpan.FromSeconds(50), "woken by the NOTIFY of the new primary, not by the 60 s timeout");
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>A bound on the test, not a timing assertion: waits up to two minutes for <paramref name="condition"/>.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var bound = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(bound.Elapsed < TimeSpan.FromMinutes(2), $"waited two minutes for {what}");
            await Task.Delay(50);
        }
    }
}
