using System.Net;
using Xunit.Abstractions;
using SlapOS.Tests;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// PostgreSQL killed with kill -9 under allocation load, then restarted: the master answers 503 with Retry-After
/// (never a refusal nor a bare 500) while it is gone, recovers by itself, and no acknowledged allocation is lost or doubled.
/// </summary>
public sealed class StoreOutageTests(ITestOutputHelper output)
{
    private const string Computer = "COMP-OUTAGE";

    [Fact]
    public async Task A_killed_database_gives_503_with_Retry_After_then_full_recovery_with_nothing_lost_or_doubled()
    {
        await using var postgres = await PrivatePostgres.StartAsync(55541);
        var connectionString = postgres.ConnectionString;
        await using var master = await SharedStoreMaster.StartAsync(m => m.UsePostgreSql(connectionString));
        await master.FormatAsync(Computer, 400);

        await using var load = AllocationLoad.Start([master], clients: 4, Computer, "outage-");
        await AllocationLoad.WaitForAsync(() => load.Acknowledged.Count >= 10 || load.AllStopped, "allocations before the kill");
        var before = load.Acknowledged.Count;
        var pid = await postgres.KillAsync();

        // The fault is proven by the master: it says 503 for a while (the restart waits for the killed server's backends to be gone).
        var refusedBefore = load.Count(HttpStatusCode.ServiceUnavailable);
        await AllocationLoad.WaitForAsync(() => load.Count(HttpStatusCode.ServiceUnavailable) >= refusedBefore + 8 || load.AllStopped, "503 answers while PostgreSQL is down");
        var during503 = load.Count(HttpStatusCode.ServiceUnavailable) - refusedBefore;
        await AllocationLoad.WaitForAsync(async () => await TryStartAgainAsync(postgres), "PostgreSQL to start again");
        var recovered = load.Acknowledged.Count;
        await AllocationLoad.WaitForAsync(() => load.Acknowledged.Count >= recovered + 20 || load.AllStopped, "allocations after the restart");
        await load.StopAsync();

        output.WriteLine($"postmaster {pid} killed after {before} acknowledged; {during503} answered 503 before the restart; statuses: {load.DescribeStatuses()}; {load.Acknowledged.Count} acknowledged in all");
        Assert.True(load.Unexpected.Count == 0, "answers other than 200 and 503 store-unavailable: " + string.Join(" | ", load.Unexpected));
        Assert.True(during503 > 0, "the fault must have happened: some requests answered 503 while PostgreSQL was down");
        Assert.Equal(0, load.MissingRetryAfter);
        Assert.True(load.Acknowledged.Count >= recovered + 20, "the master must recover without a restart");

        // Every acknowledged allocation is stored, once, in the partition it was acknowledged with; no partition twice.
        var (lost, doubled, moved) = await load.ReckonAsync(connectionString, Computer);
        output.WriteLine($"acknowledged {load.Acknowledged.Count}, lost {lost}, double {doubled}, moved {moved}");
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
        Assert.Equal(0, moved);
    }

    /// <summary>
    /// Starts the killed server again; <see langword="false"/> while it cannot yet (a backend of the killed postmaster
    /// still holds its shared memory until it notices its parent is gone).
    /// </summary>
    private async Task<bool> TryStartAgainAsync(PrivatePostgres postgres)
    {
        try
        {
            await postgres.StartAgainAsync();
            return true;
        }
        catch (InvalidOperationException e)
        {
            output.WriteLine("PostgreSQL did not start again yet: " + e.Message.Split('\n')[0]);
            await Task.Delay(200);
            return false;
        }
    }
}
