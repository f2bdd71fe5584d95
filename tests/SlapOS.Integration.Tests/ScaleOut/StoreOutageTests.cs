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
/// PostgreSQL killed with kill -9 under allocation load, then restarted: the master answers 503 with Retry-After
/// (never a bare 500) while it is gone, recovers by itself, and no acknowledged allocation is lost or doubled.
/// </summary>
public sealed class StoreOutageTests(ITestOutputHelper output)
{
    private const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    [Fact(Skip = "Known defect, open (issue 17): while PostgreSQL is killed, a request was once answered 403 instead of 503 in a full run; passes alone; the cause is not found yet")]
    public async Task A_killed_database_gives_503_with_Retry_After_then_full_recovery_with_nothing_lost_or_doubled()
    {
        await using var postgres = await PrivatePostgres.StartAsync(55541);
        var connectionString = postgres.ConnectionString;
        await using var master = await SharedStoreMaster.StartAsync(m => m.UsePostgreSql(connectionString));
        const string computer = "COMP-OUTAGE";
        await master.FormatAsync(computer, 400);

        var acknowledged = new ConcurrentDictionary<string, string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var missingRetryAfter = 0;
        var next = 0;
        using var stop = new CancellationTokenSource();
        async Task ClientAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var title = "outage-" + Interlocked.Increment(ref next);
                while (!stop.IsCancellationRequested)
                {
                    using var response = await master.Http.PostAsJsonAsync("/slapos.post.v0.software_instance", new Dictionary<string, object>
                    {
                        ["title"] = title, ["software_release_uri"] = Release, ["software_type"] = "default",
                        ["sla_parameters"] = new Dictionary<string, string> { ["computer_guid"] = computer },
                    });
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        acknowledged[title] = json.RootElement.GetProperty("compute_partition_id").GetString()!;
                        break;
                    }

                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    if (response.Headers.RetryAfter is null)
                    {
                        Interlocked.Increment(ref missingRetryAfter);
                    }

                    Assert.Contains("store-unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    await Task.Delay(100);
                }
            }
        }

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(ClientAsync)).ToList();
        await Task.Delay(1500);
        var before = acknowledged.Count;
        var pid = await postgres.KillAsync();
        var down = Stopwatch.StartNew();
        await Task.Delay(3000);
        var during503 = statuses.GetValueOrDefault(503);
        await postgres.StartAgainAsync();
        var recovered = acknowledged.Count;
        while (acknowledged.Count < recovered + 20 && down.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        down.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        output.WriteLine($"postmaster {pid} killed after {before} acknowledged; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; {acknowledged.Count} acknowledged in all");
        Assert.True(during503 > 0, "the fault must have happened: some requests answered 503 while PostgreSQL was down");
        Assert.Equal(0, missingRetryAfter);
        Assert.DoesNotContain(500, statuses.Keys);
        Assert.True(acknowledged.Count >= recovered + 20, "the master must recover without a restart");

        // Every acknowledged allocation is stored, once, in the partition it was acknowledged with; no partition twice.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT title, partition_reference FROM instances WHERE computer_reference = @c", connection);
        command.Parameters.AddWithValue("c", computer);
        var stored = new List<(string Title, string Partition)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var lost = acknowledged.Count(a => !stored.Contains((a.Key, a.Value)));
        var doubled = stored.GroupBy(s => s.Partition).Count(g => g.Count() > 1);
        output.WriteLine($"acknowledged {acknowledged.Count}, lost {lost}, double {doubled}");
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
    }
}
