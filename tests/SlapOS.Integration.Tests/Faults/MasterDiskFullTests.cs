using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SlapOS.Integration.Tests.ScaleOut;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Faults;

/// <summary>
/// A master on SQLite whose database sits on a small tmpfs that is filled to the last byte: writes answer 503 with
/// Retry-After (never a 500), reads keep working, and once space is freed the same process writes again; every
/// acknowledged write is still there, after a restart too, and the database passes <c>integrity_check</c>. The fault
/// is proven: the file system refused the filler with ENOSPC, and SQLite reported SQLITE_FULL (error 13).
/// </summary>
public sealed class MasterDiskFullTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Computer = "COMP-FULL";
    private const string Release = "https://lab.example/software/full/software.cfg";
    private const int Instances = 20;

    [Fact]
    public async Task A_full_disk_under_SQLite_gives_503_keeps_reads_and_recovers_without_restart_losing_nothing()
    {
        using var disk = TmpfsMount.Create("disk18-master-full-", megabytes: 8);
        var database = Path.Combine(disk.Path, "master.db");
        var log = new ErrorLogRecorder();

        // title -> (partition, the parameter value last acknowledged)
        var acknowledged = new Dictionary<string, (string Partition, string Value)>(StringComparer.Ordinal);
        await using (var master = await SharedStoreMaster.StartAsync(m => m.UseSqlite(database), log: log))
        {
            await master.FormatAsync(Computer, Instances);
            for (var i = 0; i < Instances; i++)
            {
                var (status, partition, _) = await RequestAsync(master.Http, "full-" + i, "v0");
                Assert.Equal(HttpStatusCode.OK, status);
                acknowledged["full-" + i] = (partition!, "v0");
            }

            var enospc = disk.Fill();
            output.WriteLine($"filler refused: {enospc.Message}; {disk.AvailableBytes} bytes left");
            Assert.Contains("No space left on device", enospc.Message, StringComparison.Ordinal);
            Assert.Equal(28, enospc.HResult); // ENOSPC
            Assert.Equal(0, disk.AvailableBytes);

            // Write until SQLite needs a page it cannot get (free pages and the WAL's reusable frames come first).
            var statuses = new Dictionary<HttpStatusCode, int>();
            HttpResponseMessage? refused = null;
            for (var round = 1; refused is null && round <= 200; round++)
            {
                var title = "full-" + (round % Instances);
                var value = $"v{round}-" + new string('x', 16 * 1024);
                var (status, partition, response) = await RequestAsync(master.Http, title, value);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status == HttpStatusCode.OK)
                {
                    Assert.Equal(acknowledged[title].Partition, partition);
                    acknowledged[title] = (partition!, value);
                    response.Dispose();
                }
                else
                {
                    refused = response;
                }
            }

            output.WriteLine($"while full: {string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}"))}");
            foreach (var entry in log.Entries.Take(10))
            {
                output.WriteLine(entry);
            }

            Assert.NotNull(refused);
            using (refused)
            {
                await AssertStoreFullAsync(refused);
            }

            // The fault is SQLite's SQLITE_FULL, seen by the master (not some other error that happens to give 503).
            Assert.Contains(log.Entries, e => e.Contains("SQLite Error 13", StringComparison.Ordinal));

            // Still full: another JSON write and an XML write are refused the same way.
            var (again, _, againResponse) = await RequestAsync(master.Http, "full-0", "refused-" + new string('y', 16 * 1024));
            using (againResponse)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, again);
                await AssertStoreFullAsync(againResponse);
            }

            using (var supply = await master.Http.PostAsync("/supplySupply", new FormUrlEncodedContent(
                [new("computer_id", Computer), new("url", Release + "?full=" + new string('z', 1500)), new("state", "available")])))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, supply.StatusCode);
                Assert.NotNull(supply.Headers.RetryAfter);
                Assert.DoesNotContain("   at ", await supply.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // Reads keep working on a full disk: the node's document (whose last-contact write fails) and the JSON API.
            await AssertAcknowledgedAsync(master.Http, acknowledged);
            Assert.Contains(log.Entries, e => e.Contains($"computer {Computer}'s last contact was not recorded", StringComparison.Ordinal) && e.Contains("SQLite Error 13", StringComparison.Ordinal));
            using (var read = await master.Http.PostAsJsonAsync("/slapos.get.v0.instance_tree", new { title = "full-1" }))
            {
                Assert.True(read.StatusCode == HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
            }

            // Space is back: the same process writes again, with no restart.
            disk.Free();
            Assert.True(disk.AvailableBytes > 0);
            var recovered = false;
            for (var attempt = 0; !recovered && attempt < 600; attempt++)
            {
                var (status, partition, response) = await RequestAsync(master.Http, "full-0", "after");
                using (response)
                {
                    if (status == HttpStatusCode.OK)
                    {
                        acknowledged["full-0"] = (partition!, "after");
                        recovered = true;
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                        await Task.Delay(100);
                    }
                }
            }

            Assert.True(recovered, "the master did not write again once space was freed");
            using (var supply = await master.Http.PostAsync("/supplySupply", new FormUrlEncodedContent(
                [new("computer_id", Computer), new("url", Release), new("state", "available")])))
            {
                Assert.Equal(HttpStatusCode.OK, supply.StatusCode);
            }

            await AssertAcknowledgedAsync(master.Http, acknowledged);
        }

        // Nothing acknowledged is lost across a restart either, and the file is sound.
        SqliteConnection.ClearAllPools();
        await using (var check = new SqliteConnection($"Data Source={database}"))
        {
            await check.OpenAsync();
            await using var command = check.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await command.ExecuteScalarAsync());
        }

        await using (var restarted = await SharedStoreMaster.StartAsync(m => m.UseSqlite(database)))
        {
            await AssertAcknowledgedAsync(restarted.Http, acknowledged);
        }

        SqliteConnection.ClearAllPools();
    }

    private static async Task AssertStoreFullAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(503, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("store-unavailable", json.RootElement.GetProperty("type").GetString());
        Assert.Contains("no space left", json.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    /// <summary>Every acknowledged title is hosted on its partition with the parameter value last acknowledged.</summary>
    private static async Task AssertAcknowledgedAsync(HttpClient http, Dictionary<string, (string Partition, string Value)> acknowledged)
    {
        using var response = await http.GetAsync($"/getFullComputerInformation?computer_id={Computer}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hosted = SlapWireObjects.ReadComputer(SlapMarshal.Read(await response.Content.ReadAsStringAsync())).Partitions
            .Where(p => p.Title is not null)
            .ToDictionary(p => p.Title!, StringComparer.Ordinal);
        foreach (var (title, (partition, value)) in acknowledged)
        {
            Assert.True(hosted.TryGetValue(title, out var instance), $"{title} was acknowledged and is lost");
            Assert.Equal(partition, instance.PartitionReference);
            Assert.Equal(value, instance.Parameters["value"]);
        }
    }

    private static async Task<(HttpStatusCode Status, string? Partition, HttpResponseMessage Response)> RequestAsync(HttpClient http, string title, string value)
    {
        var response = await http.PostAsJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = Release,
            software_type = "default",
            state = "started",
            shared = false,
            parameters = new { value },
            sla_parameters = new { computer_guid = Computer },
        });
        string? partition = null;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            partition = answer.RootElement.GetProperty("compute_partition_id").GetString();
        }

        return (response.StatusCode, partition, response);
    }
}
