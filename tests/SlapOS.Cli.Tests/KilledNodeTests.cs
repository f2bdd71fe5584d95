using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SlapOS.Cli.Tests;

/// <summary>
/// The node agent killed (SIGKILL) in the middle of an instance run, then run again, converges to
/// the same state with nothing duplicated: one copy of each service, whole <c>.timestamp</c> files.
/// </summary>
public sealed class KilledNodeTests(LiveMaster master) : IClassFixture<LiveMaster>, IDisposable
{
    private const string KillPoint = "supervisor.launched:slappart1:hello-web";
    private const int Partitions = 3;

    // Each test its own computer and titles: the master is shared by the class.
    private readonly string computer = "COMP-KILLED-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string root = Directory.CreateTempSubdirectory("slapos-killed-").FullName;

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    private string[] Node(string command) =>
    [
        "node", command, "--computer-id", computer, "--partition-amount", Partitions.ToString(CultureInfo.InvariantCulture),
        "--instance-root", Path.Combine(root, "srv"), "--software-root", Path.Combine(root, "opt"),
    ];

    public void Dispose()
    {
        for (var i = 0; i < Partitions; i++)
        {
            _ = master.RunAsync("request", $"{computer}-{i}", Release, "--state", "destroyed").GetAwaiter().GetResult();
        }

        _ = master.RunAsync(Node("instance")).GetAwaiter().GetResult();
        _ = master.RunAsync(Node("report")).GetAwaiter().GetResult();
        foreach (var process in ServiceProcesses())
        {
            process.Kill(entireProcessTree: true);
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>
    /// The dangerous point: the agent is killed (SIGKILL, through the <c>supervisor.launched</c> kill point) after it
    /// launched slappart1's service and before it recorded the process in the supervisor's state file. An orphan
    /// left there would run beside the copy the next run starts (slappart1 twice, the second crash-looping on the
    /// port the orphan holds); the supervisor holds a launched program until it is recorded, so nothing runs twice.
    /// </summary>
    [Fact]
    public async Task A_node_killed_between_launching_a_service_and_recording_it_runs_the_service_once_after_restart()
    {
        await PrepareAsync();

        var (code, errors) = await RunAgentAsync(KillPoint);
        var killedAt = errors.Split('\n').SingleOrDefault(l => l.StartsWith("slapos: killed at kill point ", StringComparison.Ordinal));
        Assert.True(killedAt is not null, "the agent did not die at the kill point: " + errors);
        Assert.Equal(128 + 9, code); // SIGKILL, not the end of its run

        // The fault happened where it hurts: the service was launched (a pid) and not recorded, slappart0 was done, slappart1 was not.
        Assert.Contains($" {KillPoint} (pid ", killedAt, StringComparison.Ordinal);
        var launched = int.Parse(killedAt[(killedAt.LastIndexOf("pid ", StringComparison.Ordinal) + 4)..].TrimEnd(')', '\r'), CultureInfo.InvariantCulture);
        Assert.Null(RecordedProcess("slappart1"));
        Assert.Equal(["slappart0"], AppliedPartitions());

        var again = await master.RunAsync(Node("instance"));
        Assert.True(again.ExitCode == 0, again.Error + again.Output);

        // Exactly one copy of each service, and it is the one the supervisor records (supervises, restarts, stops).
        AssertOneRecordedServicePerPartition();
        Assert.DoesNotContain(launched, ServiceProcesses().Select(p => p.Id));
        AssertWholeTimestamps();
    }

    /// <summary>
    /// The agent killed as soon as it supervises the second partition's processes, wherever that lands
    /// (the kill races with the run): the next run converges with nothing duplicated.
    /// </summary>
    [Fact]
    public async Task A_node_killed_mid_run_converges_on_the_next_run_without_duplicates()
    {
        await PrepareAsync();

        // Kill the agent (SIGKILL) as soon as it supervises the second partition's processes: the run
        // has applied one partition and not yet the last (partitions are processed one at a time).
        var start = AgentStart();
        var killed = false;
        int pid;
        string[] appliedWhenKilled;
        using (var agent = Process.Start(start)!)
        {
            pid = agent.Id;
            var errors = agent.StandardError.ReadToEndAsync();
            while (await agent.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Contains("slappart1: supervising", StringComparison.Ordinal))
                {
                    agent.Kill();
                    killed = true;
                    break;
                }
            }

            await agent.WaitForExitAsync();
            appliedWhenKilled = AppliedPartitions();
            Assert.True(killed, "the agent never reported supervising slappart1, so it was not killed mid-run: " + await errors);

            // Really killed: gone, and ended by SIGKILL (128 + 9), not by finishing its run.
            Assert.True(agent.HasExited);
            Assert.Equal(128 + 9, agent.ExitCode);
        }

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));

        // Mid-run: a run had started (a partition applied) and had not finished (not every partition applied).
        Assert.NotEmpty(appliedWhenKilled);
        Assert.True(appliedWhenKilled.Length < Partitions, "every partition was applied before the kill: " + string.Join(", ", appliedWhenKilled));

        var again = await master.RunAsync(Node("instance"));
        Assert.True(again.ExitCode == 0, again.Error + again.Output);

        AssertOneRecordedServicePerPartition();
        AssertWholeTimestamps();
    }

    private async Task PrepareAsync()
    {
        Assert.Equal(0, (await master.RunAsync(Node("format"))).ExitCode);
        Assert.Equal(0, (await master.RunAsync("supply", Release, computer)).ExitCode);
        for (var i = 0; i < Partitions; i++)
        {
            Assert.Equal(0, (await master.RunAsync("request", $"{computer}-{i}", Release, "--sla", $"computer_guid={computer}", "--parameters", $"port={FreePort()}")).ExitCode);
        }

        Assert.Equal(0, (await master.RunAsync(Node("software"))).ExitCode);
    }

    private ProcessStartInfo AgentStart() =>
        new("dotnet", [CliProgram(), .. Node("instance"), "--master-url", master.Url]) { RedirectStandardOutput = true, RedirectStandardError = true };

    /// <summary>Runs <c>slapos node instance</c> as a process of its own with a kill point armed; its exit code and standard error.</summary>
    private async Task<(int ExitCode, string Errors)> RunAgentAsync(string killPoint)
    {
        var start = AgentStart();
        start.Environment[KillPoints.EnvironmentVariable] = killPoint;
        using var agent = Process.Start(start)!;
        var output = agent.StandardOutput.ReadToEndAsync();
        var errors = agent.StandardError.ReadToEndAsync();
        await agent.WaitForExitAsync();
        await output;
        return (agent.ExitCode, await errors);
    }

    /// <summary>For each partition, one service process, and it is the process the supervisor's state file records.</summary>
    private void AssertOneRecordedServicePerPartition()
    {
        var services = ServiceProcesses().Select(p => (Partition: ServicePartition(p), p.Id)).ToList();
        Assert.Equal(Enumerable.Range(0, Partitions).Select(i => $"slappart{i}").Order(), services.Select(s => s.Partition).Order());
        foreach (var (partition, id) in services)
        {
            Assert.Equal(id, RecordedProcess(partition));
        }
    }

    private void AssertWholeTimestamps()
    {
        // Every .timestamp is whole: it holds a master timestamp.
        for (var i = 0; i < Partitions; i++)
        {
            var text = File.ReadAllText(Path.Combine(root, "srv", $"slappart{i}", ".timestamp")).Trim();
            Assert.True(decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 1_000_000_000m, text);
        }
    }

    /// <summary>The pid the native supervisor's state file records for a partition's hello-web service (null: none).</summary>
    private int? RecordedProcess(string partition)
    {
        var file = Path.Combine(root, "srv", ".supervisor", partition, "hello-web.json");
        using var state = JsonDocument.Parse(File.ReadAllBytes(file));
        return state.RootElement.TryGetProperty("ProcessId", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : null;
    }

    /// <summary>
    /// The CLI from its own build output: the copy beside the tests lacks the packages the ASP.NET shared
    /// framework gives the test host (Microsoft.Extensions.Options…), so it cannot run as a process of its own.
    /// </summary>
    private static string CliProgram()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = SlapOS.Tests.RepositoryRoot.Combine("src", "SlapOS.Cli", "bin", output.Parent!.Name, output.Name, "SlapOS.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution (scripts/test.sh does)");
        return dll;
    }

    /// <summary>The partitions holding a <c>.timestamp</c>, written only when an instance run applied them.</summary>
    private string[] AppliedPartitions() =>
        [.. Enumerable.Range(0, Partitions).Select(i => $"slappart{i}").Where(p => File.Exists(Path.Combine(root, "srv", p, ".timestamp")))];

    private IEnumerable<Process> ServiceProcesses()
    {
        var script = Path.Combine(root, "srv");
        foreach (var process in Process.GetProcesses())
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }

            // The python server itself (the wrapper and any interpreter shim exec into it).
            var program = commandLine.Split(' ', 2)[0];
            if (program.EndsWith("python3", StringComparison.Ordinal) && commandLine.Contains(script, StringComparison.Ordinal) && commandLine.TrimEnd().EndsWith("/bin/hello-web", StringComparison.Ordinal))
            {
                yield return process;
            }
        }
    }

    private string ServicePartition(Process process)
    {
        var commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        var start = commandLine.IndexOf(Path.Combine(root, "srv"), StringComparison.Ordinal) + Path.Combine(root, "srv").Length + 1;
        return commandLine[start..commandLine.IndexOf('/', start)];
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
