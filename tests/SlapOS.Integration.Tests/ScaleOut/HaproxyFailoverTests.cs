using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SlapOS.Integration.Tests.Identity;
using SlapOS.Integration.Tests.Samples;
using SlapOS.Tests;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// The sample HAProxy configuration (samples/haproxy/haproxy.cfg) run by a real haproxy in front of two master
/// host processes in mutual TLS, on one PostgreSQL database and one CA directory. A node long-polls through
/// HAProxy with its own certificate (TCP mode: TLS ends at the master); one master is killed with kill -9; the
/// node's calls keep being answered by the other, and HAProxy's health checks mark the killed one DOWN.
/// </summary>
public sealed class HaproxyFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";
    private const string Computer = "COMP-HAPROXY";
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-haproxy-").FullName;
    private readonly List<Process> _processes = [];
    private string _database = string.Empty;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        foreach (var process in _processes)
        {
            process.Dispose();
        }

        await PostgresDatabase.DropDatabaseAsync(_database);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_node_long_polling_through_haproxy_is_served_by_the_other_master_when_one_is_killed()
    {
        _database = await PostgresDatabase.CreateDatabaseAsync("haproxy");
        var caDirectory = Path.Combine(_directory, "ca");

        // An in-process master on the same store and CA: it makes the CA, the computer and the node's certificate,
        // and later changes the instance (as any third master would).
        await using var admin = await MtlsMaster.StartSharedAsync(m => m.UsePostgreSql(_database), caDirectory);
        await admin.Master.FormatComputerAsync(new ComputerFormat(Computer, "10.78.0.1", "255.255.255.0", [new ComputerPartition
        {
            ComputerReference = Computer, Reference = "slappart0", Addresses = [new PartitionAddress("10.78.0.10", "255.255.255.255", null)],
        }]), default);
        await admin.Master.SupplyAsync(Computer, Release, SupplyState.Available, default);
        await admin.Master.RequestAsync(Request("1"), default);
        var nodeIdentity = await admin.IssueAsync(IdentityKind.Computer, Computer);

        int[] ports = [.. Enumerable.Range(0, 7).Select(_ => MasterHostProgram.FreePort())];
        var master1 = StartMaster(ports[0], ports[1], caDirectory);
        var master2 = StartMaster(ports[2], ports[3], caDirectory);
        await WaitReadyAsync(admin, ports[1], master1);
        await WaitReadyAsync(admin, ports[3], master2);

        var haproxy = StartHaproxy(new Dictionary<string, string>
        {
            ["SLAPOS_LB_API_BIND"] = $"127.0.0.1:{ports[4]}", ["SLAPOS_LB_ONBOARDING_BIND"] = $"127.0.0.1:{ports[5]}",
            ["SLAPOS_LB_STATS_BIND"] = $"127.0.0.1:{ports[6]}", ["SLAPOS_CA_FILE"] = admin.CaFile,
            ["SLAPOS_MASTER_1"] = "127.0.0.1", ["SLAPOS_MASTER_1_API"] = $"{ports[0]}", ["SLAPOS_MASTER_1_ONBOARDING"] = $"{ports[1]}",
            ["SLAPOS_MASTER_2"] = "127.0.0.1", ["SLAPOS_MASTER_2_API"] = $"{ports[2]}", ["SLAPOS_MASTER_2_ONBOARDING"] = $"{ports[3]}",
        });
        using var stats = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[6]}"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitForAsync(async () => await StatusAsync(stats, "master1") == "UP" && await StatusAsync(stats, "master2") == "UP", "both masters UP in HAProxy", haproxy);

        // The node talks to HAProxy only, with its own certificate: TLS ends at a master.
        using var node = admin.Client(nodeIdentity, new Uri($"https://127.0.0.1:{ports[4]}"));
        var (_, seen) = await WaitForChangeAsync(node, 0, null);
        using (var anonymous = admin.Client(null, new Uri($"https://127.0.0.1:{ports[4]}")))
        {
            // Without a client certificate the master refuses the handshake: HAProxy did not end TLS.
            await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("/slapos.get.v0.hateoas"));
        }

        // A long-poll open through HAProxy while master 1 dies: the node calls again (as its daemon does) and is answered.
        var waiting = WaitForChangeAsync(node, 10, seen);
        await Task.Delay(500);
        master1.Kill(); // SIGKILL
        await master1.WaitForExitAsync();
        Assert.True(master1.HasExited);
        output.WriteLine($"master 1 (pid {master1.Id}) killed; the open long-poll {(waiting.IsCompleted ? "ended" : "is still open")}");
        try
        {
            await waiting;
        }
        catch (HttpRequestException e)
        {
            output.WriteLine($"the long-poll held by master 1 was cut: {e.Message}");
        }

        // Every later call is answered (by master 2), HAProxy retrying a connection master 1 refuses.
        for (var i = 0; i < 10; i++)
        {
            var (changed, stamp) = await WaitForChangeAsync(node, 0, seen);
            Assert.False(changed);
            Assert.Equal(seen, stamp);
        }

        // A change made elsewhere wakes the node waiting through HAProxy.
        var afterKill = WaitForChangeAsync(node, 30, seen);
        await Task.Delay(300);
        await admin.Master.RequestAsync(Request("2"), default);
        Assert.True((await afterKill).Changed);

        await WaitForAsync(async () => await StatusAsync(stats, "master1") == "DOWN", "HAProxy marking master 1 DOWN", haproxy);
        Assert.Equal("UP", await StatusAsync(stats, "master2"));
        output.WriteLine(string.Join('\n', (await stats.GetStringAsync("/stats;csv")).Split('\n').Where(l => l.Contains("master", StringComparison.Ordinal)).Select(l => string.Join(',', l.Split(',').Take(19)))));
    }

    private static InstanceRequest Request(string value) => new()
    {
        Title = "haproxy-instance",
        SoftwareReleaseUrl = Release,
        Parameters = new Dictionary<string, string> { ["value"] = value },
        Sla = new Dictionary<string, string> { ["computer_guid"] = Computer },
    };

    private static async Task<(bool Changed, long Stamp)> WaitForChangeAsync(HttpClient node, double timeout, long? seen)
    {
        var body = new Dictionary<string, object> { ["computer_guid"] = Computer, ["timeout"] = timeout };
        if (seen is { } stamp)
        {
            body["change_stamp"] = stamp;
        }

        using var response = await node.PostAsJsonAsync("/slapos.wait.v0.compute_node_change", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("changed").GetBoolean(), json.RootElement.GetProperty("change_stamp").GetInt64());
    }

    /// <summary>The server's status in the API backend, from HAProxy's CSV statistics (UP, DOWN, "UP 1/2"…).</summary>
    private static async Task<string?> StatusAsync(HttpClient stats, string server)
    {
        string csv;
        try
        {
            csv = await stats.GetStringAsync("/stats;csv");
        }
        catch (HttpRequestException)
        {
            return null; // HAProxy not listening yet
        }

        return csv.Split('\n').Select(l => l.Split(',')).FirstOrDefault(f => f.Length > 17 && f[0] == "slapos_masters_api" && f[1] == server)?[17];
    }

    private Process StartMaster(int apiPort, int onboardingPort, string caDirectory)
    {
        var start = new ProcessStartInfo("dotnet",
        [
            MasterHostProgram.Path, $"--SlapOS:Master:PostgreSql:ConnectionString={_database}", $"--SlapOS:Master:Identity:Directory={caDirectory}",
            "--MasterHost:Address=127.0.0.1", $"--MasterHost:ApiPort={apiPort}", $"--MasterHost:OnboardingPort={onboardingPort}",
        ])
        { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private Process StartHaproxy(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("haproxy", ["-db", "-f", RepositoryRoot.Combine("samples", "haproxy", "haproxy.cfg")])
        {
            WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => output.WriteLine("haproxy: " + e.Data);
        process.ErrorDataReceived += (_, e) => output.WriteLine("haproxy: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process;
    }

    private static async Task WaitReadyAsync(MtlsMaster admin, int onboardingPort, Process master)
    {
        using var health = admin.Client(null, new Uri($"https://127.0.0.1:{onboardingPort}"));
        await WaitForAsync(async () =>
        {
            try
            {
                return (await health.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "a master host ready", master);
    }

    /// <summary>A bound on the test, not a timing assertion: up to a minute, failing early if <paramref name="process"/> exits.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, Process process)
    {
        var bound = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(process.HasExited, $"exited while waiting for {what}");
            Assert.True(bound.Elapsed < TimeSpan.FromMinutes(1), $"waited a minute for {what}");
            await Task.Delay(100);
        }
    }
}
