using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SlapOS.Samples.Standalone;

namespace SlapOS.Cli.Tests;

/// <summary><c>slapos request --wait</c>: live progress until the instance is ready, reports an error, or the timeout passes.</summary>
public sealed class RequestWaitTests(LiveMaster master) : IClassFixture<LiveMaster>
{
    [Fact]
    public async Task Request_wait_shows_the_states_in_order_against_the_standalone_host()
    {
        await using var cloud = await StandaloneCloud.StartAsync(CancellationToken.None);
        var release = StandaloneCloud.HelloWebRelease;

        // The node daemon formats its computer on start: wait until the master knows it (bounded, not timed).
        var known = false;
        for (var attempt = 0; attempt < 600 && !known; attempt++)
        {
            known = (await RunAsync(cloud.MasterUrl, "computer", "info", StandaloneCloud.Computer)).ExitCode == 0;
            if (!known)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(known, "the standalone node never formatted its computer");
        var (code, _, error) = await RunAsync(cloud.MasterUrl, "supply", release, StandaloneCloud.Computer);
        Assert.True(code == 0, error);

        (code, var output, error) = await RunAsync(
            cloud.MasterUrl, "request", "hello-wait", release, "--parameters", "name=SlapOS", $"port={FreePort()}",
            "--sla", $"computer_guid={StandaloneCloud.Computer}", "--wait", "--timeout", "300");

        Assert.True(code == 0, output + error);
        string[] stages =
        [
            $"[1/4] allocated on {StandaloneCloud.Computer} / slappart",
            $"[2/4] software release installed on {StandaloneCloud.Computer}",
            "[3/4] instance started",
            "[4/4] connection parameters published:",
            "url = http://",
            "Instance 'hello-wait' is ready.",
        ];
        var positions = stages.Select(s => output.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.True(positions.All(p => p >= 0), output);
        Assert.Equal(positions.Order(), positions);
        foreach (var stage in stages[..4])
        {
            Assert.Single(output.Split('\n'), l => l.Contains(stage, StringComparison.Ordinal));
        }

        // With --json the progress goes to standard error and standard output is the instance document alone.
        (code, output, error) = await RunAsync(
            cloud.MasterUrl, "request", "hello-wait", release, "--parameters", "name=SlapOS", $"port={FreePort()}",
            "--sla", $"computer_guid={StandaloneCloud.Computer}", "--wait", "--timeout", "300", "--json");
        Assert.True(code == 0, output + error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("hello-wait", document.RootElement.GetProperty("title").GetString());
        Assert.Contains("[1/4] allocated on", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_wait_gives_up_after_the_timeout_with_one_line_and_exit_code_124()
    {
        // The live master has a formatted computer but no node: the instance is allocated and goes no further.
        var (code, output, error) = await master.RunAsync("request", "cli-wait-timeout", LiveMaster.Release, "--sla", $"computer_guid={LiveMaster.Computer}", "--wait", "--timeout", "1");

        Assert.Equal(124, code);
        Assert.Contains($"[1/4] allocated on {LiveMaster.Computer} / slappart", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[2/4]", output, StringComparison.Ordinal);
        Assert.StartsWith("slapos: error: instance 'cli-wait-timeout' not ready after 1 s: still waiting for the node to install the software release. hint: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Request_wait_stops_at_the_error_the_instance_reports()
    {
        var (code, output, _) = await master.RunAsync("request", "cli-wait-error", LiveMaster.Release, "--sla", $"computer_guid={LiveMaster.Computer}", "--json");
        Assert.Equal(0, code);
        var guid = JsonDocument.Parse(output).RootElement.GetProperty("instance_guid").GetString();
        using (var http = new HttpClient { BaseAddress = new Uri(master.Url) })
        {
            var report = await http.PostAsJsonAsync("/slapos.put.v0.software_instance_error", new { instance_guid = guid, message = "buildout failed: boom" });
            Assert.True(report.IsSuccessStatusCode, await report.Content.ReadAsStringAsync());
        }

        string error;
        (code, output, error) = await master.RunAsync("request", "cli-wait-error", LiveMaster.Release, "--sla", $"computer_guid={LiveMaster.Computer}", "--wait", "--timeout", "60");

        Assert.Equal(1, code);
        Assert.Contains("[1/4] allocated on", output, StringComparison.Ordinal);
        Assert.Equal("slapos: error: instance 'cli-wait-error' reports an error: buildout failed: boom. hint: see 'slapos service info cli-wait-error', fix the cause and request again", error.TrimEnd());
    }

    [Fact]
    public async Task Wait_refuses_a_destroyed_request_as_a_usage_error()
    {
        var (code, _, error) = await master.RunAsync("request", "cli-wait-destroyed", LiveMaster.Release, "--state", "destroyed", "--wait");

        Assert.Equal(2, code);
        Assert.StartsWith("slapos: error: --wait follows a started or stopped instance", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string url, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SlapCli.RunAsync([.. args, "--master-url", url], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
