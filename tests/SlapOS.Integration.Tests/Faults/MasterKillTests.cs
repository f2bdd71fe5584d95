using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using SlapOS.Integration.Tests.Samples;

namespace SlapOS.Integration.Tests.Faults;

/// <summary>
/// kill -9 of the master host (a real process) under allocation load, on SQLite and on PostgreSQL. After a
/// restart on the same store, every acknowledged request is still there (0 lost), on the partition it was
/// acknowledged with (0 moved), and no partition hosts two instances (0 double). The kill is proven to have
/// happened mid-load: requests were in flight and failed when the process died.
/// </summary>
public sealed class MasterKillTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Computer = "COMP-KILL";
    private const string Release = "https://lab.example/software/kill/software.cfg";
    private const int Partitions = 400;
    private const int Workers = 6;
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-kill-").FullName;
    private string _postgres = string.Empty;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await PostgresDatabase.DropDatabaseAsync(_postgres);
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Killing_the_master_under_load_loses_doubles_and_moves_nothing(string store)
    {
        var storeArgument = store == "sqlite"
            ? $"--SlapOS:Master:Sqlite:Path={Path.Combine(_directory, "master.db")}"
            : $"--SlapOS:Master:PostgreSql:ConnectionString={_postgres = await PostgresDatabase.CreateDatabaseAsync("kill")}";
        var port = MasterHostProgram.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var failedAfterKill = 0;
        using (var host = StartHost(port, storeArgument))
        {
            try
            {
                await MasterHostProgram.WaitUntilListeningAsync(http, host);
                await FormatAsync(http);

                using var stop = new CancellationTokenSource();
                var killed = new TaskCompletionSource();
                var load = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested && i < Partitions / Workers; i++)
                    {
                        var title = $"kill-{worker}-{i}";
                        try
                        {
                            var partition = await RequestAsync(http, title);
                            if (partition is not null)
                            {
                                acknowledged[title] = partition;
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            if (killed.Task.IsCompleted)
                            {
                                Interlocked.Increment(ref failedAfterKill);
                                return;
                            }

                            throw;
                        }
                    }
                })).ToArray();

                while (acknowledged.Count < 60)
                {
                    Assert.False(load.All(t => t.IsCompleted), "the load ended before the kill");
                    await Task.Delay(5);
                }

                host.Kill(entireProcessTree: false); // SIGKILL
                killed.SetResult();
                await host.WaitForExitAsync();
                await Task.WhenAll(load);
                await stop.CancelAsync();
            }
            finally
            {
                if (!host.HasExited)
                {
                    host.Kill();
                }
            }
        }

        // Mid-load: some workers were cut off by the kill, and not every partition was allocated.
        Assert.True(failedAfterKill > 0, "no request was in flight when the master was killed");
        Assert.True(acknowledged.Count < Partitions);

        output.WriteLine($"{store}: {acknowledged.Count} acknowledged before kill -9, {failedAfterKill} requests cut off by it");
        using var restarted = StartHost(port, storeArgument);
        try
        {
            await MasterHostProgram.WaitUntilListeningAsync(http, restarted);
            var document = await (await http.GetAsync($"/getFullComputerInformation?computer_id={Computer}")).Content.ReadAsStringAsync();
            var hosted = SlapOS.Wire.SlapWireObjects.ReadComputer(SlapOS.Wire.SlapMarshal.Read(document)).Partitions
                .Where(p => p.InstanceReference is not null)
                .ToList();

            // 0 double: a partition hosts one instance, and no title sits on two partitions.
            Assert.Equal(hosted.Count, hosted.Select(p => p.PartitionReference).Distinct().Count());
            Assert.Equal(hosted.Count, hosted.Select(p => p.Title).Distinct().Count());

            // 0 lost, 0 moved: each acknowledged title is hosted where it was acknowledged, and a re-request agrees.
            var byTitle = hosted.ToDictionary(p => p.Title!, p => p.PartitionReference, StringComparer.Ordinal);
            foreach (var (title, partition) in acknowledged)
            {
                Assert.True(byTitle.TryGetValue(title, out var now), $"{title} was acknowledged on {partition} and is lost");
                Assert.Equal(partition, now);
                Assert.Equal(partition, await RequestAsync(http, title));
            }

            output.WriteLine($"{store}: after restart {hosted.Count} hosted, 0 lost, 0 moved, 0 double");
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
        }
    }

    private static async Task<string?> RequestAsync(HttpClient http, string title)
    {
        using var response = await http.PostAsJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = Release,
            software_type = "default",
            state = "started",
            shared = false,
            parameters = new { },
            sla_parameters = new { computer_guid = Computer },
        });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // Not acknowledged (no free partition, not ready): not counted.
            return null;
        }

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.TryGetProperty("compute_partition_id", out var partition) ? partition.GetString() : null;
    }

    private static async Task FormatAsync(HttpClient http)
    {
        var partitions = string.Join(",", Enumerable.Range(0, Partitions).Select(i => $"{{\"partition_id\": \"slappart{i}\"}}"));
        using var content = new StringContent($"{{\"computer_guid\": \"{Computer}\", \"compute_partition_list\": [{partitions}]}}", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/slapos.put.v0.compute_node_format", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Process StartHost(int port, string storeArgument)
    {
        var start = new ProcessStartInfo("dotnet", [MasterHostProgram.Path, "--urls", $"http://127.0.0.1:{port}", "--SlapOS:Master:Security:Mode=InsecureLoopback", storeArgument])
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = _directory,
        };
        return Process.Start(start)!;
    }
}
