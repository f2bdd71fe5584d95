using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.Samples;

/// <summary>
/// The node host sample serves /health/live and /health/ready as a master host does: ready follows the master's
/// reachability at the node's last run, and comes back by itself when the master does.
/// </summary>
public sealed class SlaveHostHealthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ready_follows_the_master_while_live_stays_up_and_recovers_without_restart()
    {
        var directory = Directory.CreateTempSubdirectory("slapos-node-health-").FullName;
        var masterPort = MasterHostProgram.FreePort();
        var healthPort = MasterHostProgram.FreePort();
        Process? node = null;
        try
        {
            node = StartNode(directory, new Uri($"http://127.0.0.1:{masterPort}"), healthPort);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") };

            // No master yet: the node lives, and is not ready (its runs find the master unreachable).
            await WaitForAsync(http, node, HttpStatusCode.ServiceUnavailable, "Unhealthy");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

            await using (var master = await ScaleOut.SharedStoreMaster.StartAsync(m => m.UseSqlite(Path.Combine(directory, "master.db")), masterPort))
            {
                await WaitForAsync(http, node, HttpStatusCode.OK, "Healthy");
            }

            await WaitForAsync(http, node, HttpStatusCode.ServiceUnavailable, "Unhealthy");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

            await using (var master = await ScaleOut.SharedStoreMaster.StartAsync(m => m.UseSqlite(Path.Combine(directory, "master.db")), masterPort))
            {
                await WaitForAsync(http, node, HttpStatusCode.OK, "Healthy");
            }
        }
        finally
        {
            await SlaveHostProgram.StopAsync(node);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private Process StartNode(string directory, Uri master, int healthPort) =>
        SlaveHostProgram.Start(output, directory,
        [
            "--urls", $"http://127.0.0.1:{healthPort}",
            "--SlapOS:Slave:ComputerReference=COMP-NODE-HEALTH", $"--SlapOS:Slave:MasterUrl={master}",
            $"--SlapOS:Slave:InstanceRoot={Path.Combine(directory, "srv")}", $"--SlapOS:Slave:SoftwareRoot={Path.Combine(directory, "opt")}",
            "--SlapOS:Slave:PartitionAmount=2", "--SlapOS:Slave:InstanceInterval=00:00:01", "--SlapOS:Slave:SoftwareInterval=00:00:01",
            "--SlapOS:Slave:ReportInterval=00:00:01", "--SlapOS:Slave:MaximumOfflineBackoff=00:00:01",
            $"--SlapOS:Slave:NativeSupervisor:StateDirectory={Path.Combine(directory, "supervisor")}",
            string.Create(CultureInfo.InvariantCulture, $"--SlapOS:Slave:UnprivilegedFormatter:Ipv4Range=127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24"),
        ]);

    /// <summary>Polls /health/ready until it answers <paramref name="status"/> with <paramref name="body"/> (the word of the health status, no details).</summary>
    private static async Task WaitForAsync(HttpClient http, Process node, HttpStatusCode status, string body)
    {
        // A bound on the test, not a timing assertion: with 1 s intervals and backoff the state flips within seconds.
        var last = "no answer";
        for (var attempt = 0; attempt < 600; attempt++)
        {
            Assert.False(node.HasExited, "the node host exited");
            try
            {
                using var response = await http.GetAsync("/health/ready");
                var text = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {text}";
                if (response.StatusCode == status && text == body)
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"/health/ready never answered {(int)status} {body}; last: {last}");
    }
}
