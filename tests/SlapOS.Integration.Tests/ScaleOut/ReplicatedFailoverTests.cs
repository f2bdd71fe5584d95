using System.Diagnostics;
using System.Net;
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

        await using var load = AllocationLoad.Start(masters, Clients, Computer, "failover-", maxTitles: Partitions - 50);
        await AllocationLoad.WaitForAsync(() => load.Acknowledged.Count >= 80 || load.AllStopped, "allocations before the kill");

        var beforeKill = load.Acknowledged.Count;
        var killedAt = load.Elapsed;
        var pid = await primary.KillServerAndBackendsAsync();

        // No primary for a while: the masters must say so with 503 + Retry-After (the fault is proven by them).
        await AllocationLoad.WaitForAsync(() => load.Count(HttpStatusCode.ServiceUnavailable) > 0 || load.AllStopped, "a 503 while there is no primary");
        await Task.Delay(1000);
        var promotedAt = load.Elapsed;
        await standby.PromoteAsync();
        var atPromotion = load.Acknowledged.Count;
        await AllocationLoad.WaitForAsync(() => load.Acknowledged.Count >= atPromotion + 80 || load.AllStopped, "allocations after the promotion");
        await load.StopAsync();

        var times = load.AcknowledgedAt;
        var firstAfterKill = times.FirstOrDefault(t => t > killedAt);
        var longestGap = times.Zip(times.Skip(1), (x, y) => y - x).Max();
        output.WriteLine($"postmaster {pid} killed after {beforeKill} acknowledged; promoted {(promotedAt - killedAt).TotalSeconds:F1} s later; "
            + $"first acknowledgement after the kill {(firstAfterKill - killedAt).TotalSeconds:F1} s after it; longest gap between acknowledgements {longestGap.TotalSeconds:F1} s");
        output.WriteLine($"statuses: {load.DescribeStatuses()}; {load.Acknowledged.Count} acknowledged in all");

        foreach (var entry in log.Entries.Where(e => !e.Contains("answered 503", StringComparison.Ordinal)).Take(20))
        {
            output.WriteLine(entry);
        }

        Assert.True(load.Unexpected.Count == 0, "answers other than 200 and 503 store-unavailable: " + string.Join(" | ", load.Unexpected));
        Assert.Equal([200, 503], load.Statuses.Keys.Order());
        Assert.Equal(0, load.MissingRetryAfter);
        Assert.True(load.Acknowledged.Count >= atPromotion + 80, "the masters must serve again on the promoted standby without a restart");

        // On the new primary: every acknowledged allocation, in the partition it was acknowledged with, no partition twice.
        var newPrimary = $"Host=127.0.0.1;Port={standby.Port};Username=postgres;Database=postgres";
        await using (var connection = new NpgsqlConnection(newPrimary))
        {
            await connection.OpenAsync();
            await using var role = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            Assert.False((bool)(await role.ExecuteScalarAsync())!, "the standby must have been promoted");
        }

        var (lost, doubled, moved) = await load.ReckonAsync(newPrimary, Computer);
        output.WriteLine($"acknowledged {load.Acknowledged.Count}, lost {lost}, double {doubled}, moved {moved}");
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
        Assert.Equal(0, moved);

        // The change signals followed the primary too: a node waiting on A learns of a change made through B.
        var (_, seen) = await a.WaitForChangeAsync(Computer, 0, null);
        var waiting = a.WaitForChangeAsync(Computer, 60, seen);
        var signal = Stopwatch.StartNew();
        await b.Slap.SupplyAsync(Computer, AllocationLoad.Release + "?after-failover", SupplyState.Available, default);
        var (changed, _) = await waiting;
        Assert.True(changed);
        Assert.True(signal.Elapsed < TimeSpan.FromSeconds(50), "woken by the NOTIFY of the new primary, not by the 60 s timeout");
    }
}
