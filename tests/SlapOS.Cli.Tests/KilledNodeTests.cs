using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace SlapOS.Cli.Tests;

/// <summary>
/// The node agent killed (SIGKILL) in the middle of an instance run, then run again, converges to
/// the same state with nothing duplicated: one copy of each service, whole <c>.timestamp</c> files.
/// </summary>
public sealed class KilledNodeTests(LiveMaster master, ITestOutputHelper output) : IClassFixture<LiveMaster>, IDisposable
{
    /// <summary>The seed of the kill points chosen by the seeded test (default 18).</summary>
    public const string SeedVariable = "SLAPOS_TEST_KILL_SEED";

    /// <summary>How many instance runs the seeded test kills (default 8; 30 or more for the campaign of issue 18).</summary>
    public const string RunsVariable = "SLAPOS_TEST_KILL_RUNS";

    private const string KillPoint = "supervisor.launched:slappart1:hello-web";
    private const int Partitions = 3;
    private const int PromiseRetries = 3;
    private static readonly bool[] AllStarted = [.. Enumerable.Repeat(true, Partitions)];

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
        _ = await PrepareAsync();

        var (code, errors) = await RunAgentAsync("instance", KillPoint);
        var killedAt = errors.Split('\n').SingleOrDefault(l => l.StartsWith("slapos: killed at kill point ", StringComparison.Ordinal));
        Assert.True(killedAt is not null, "the agent did not die at the kill point: " + errors);
        Assert.Equal(128 + 9, code); // SIGKILL, not the end of its run

        // The fault happened where it hurts: slappart1's service was launched (a pid) and not recorded, slappart1 not applied.
        Assert.Contains($" {KillPoint} (pid ", killedAt, StringComparison.Ordinal);
        var launched = int.Parse(killedAt[(killedAt.LastIndexOf("pid ", StringComparison.Ordinal) + 4)..].TrimEnd(')', '\r'), CultureInfo.InvariantCulture);
        Assert.Null(RecordedProcess("slappart1"));
        Assert.DoesNotContain("slappart1", AppliedPartitions());

        await ConvergeAsync("instance");

        // Exactly one copy of each service, and it is the one the supervisor records (supervises, restarts, stops).
        AssertConverged(AllStarted);
        Assert.DoesNotContain(launched, ServiceProcesses().Select(p => p.Id));
    }

    /// <summary>
    /// The agent killed as soon as it supervises the second partition's processes, wherever that lands
    /// (the kill races with the run): the next run converges with nothing duplicated.
    /// </summary>
    [Fact]
    public async Task A_node_killed_mid_run_converges_on_the_next_run_without_duplicates()
    {
        _ = await PrepareAsync();

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

        // Mid-run: the run had started (it was supervising slappart1) and had not finished (not every partition
        // applied; slappart0 may not be either, when its promise was too slow on a loaded machine).
        Assert.True(appliedWhenKilled.Length < Partitions, "every partition was applied before the kill: " + string.Join(", ", appliedWhenKilled));

        await ConvergeAsync("instance");

        AssertConverged(AllStarted);
    }

    /// <summary>
    /// Issue 18: the node killed (SIGKILL) at seeded points of instance runs that start or stop a service and of the
    /// run that destroys the instances, each kill followed by a clean run: after each, every started instance runs
    /// its service exactly once (the process the supervisor records), no stopped or destroyed one runs anything, every
    /// <c>.timestamp</c> is whole, and a destroyed partition is wiped and forgotten by the supervisor.
    /// <see cref="SeedVariable"/> and <see cref="RunsVariable"/> choose other and more points (docs/hardening.md).
    /// </summary>
    [Fact]
    public async Task A_node_killed_at_seeded_points_converges_after_each_kill_with_nothing_duplicated_or_lost()
    {
        var seed = EnvironmentNumber(SeedVariable, 18);
        var runs = EnvironmentNumber(RunsVariable, 8);
        var random = new Random(seed);
        var ports = await PrepareAsync();
        await ConvergeAsync("instance");
        var started = (bool[])AllStarted.Clone();
        AssertConverged(started);

        var killedAt = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            // One instance changes state; a run reaches, on its partition: instance.deployed, (supervisor.launched,
            // supervisor.recorded when it starts the service,) instance.supervised, instance.reported.
            var changed = random.Next(Partitions);
            started[changed] = !started[changed];
            Assert.Equal(0, (await master.RunAsync("request", $"{computer}-{changed}", Release, "--sla", $"computer_guid={computer}", "--parameters", $"port={ports[changed]}", "--state", started[changed] ? "started" : "stopped")).ExitCode);
            var point = random.Next(1, (started[changed] ? 5 : 3) + 1);
            killedAt.Add(await KillAgentAtAsync("instance", point, $"seed {seed}, run {run}"));

            await ConvergeAsync("instance", $"seed {seed}, run {run}, killed at {killedAt[^1]}");
            AssertConverged(started);
        }

        // The destruction: the instance run stops the services, the report run (killed at destroy.stopped or
        // destroy.wiped of one of the partitions) wipes them and tells the master.
        for (var i = 0; i < Partitions; i++)
        {
            Assert.Equal(0, (await master.RunAsync("request", $"{computer}-{i}", Release, "--state", "destroyed")).ExitCode);
        }

        await ConvergeAsync("instance");
        killedAt.Add(await KillAgentAtAsync("report", random.Next(1, (2 * Partitions) + 1), $"seed {seed}, destroy"));
        await ConvergeAsync("report");
        Assert.Empty(ServiceProcesses());
        for (var i = 0; i < Partitions; i++)
        {
            Assert.False(Directory.Exists(Path.Combine(root, "srv", ".supervisor", $"slappart{i}")), $"slappart{i} is still known to the supervisor");
            Assert.False(File.Exists(Path.Combine(root, "srv", $"slappart{i}", ".timestamp")), $"slappart{i} was not wiped");
        }

        // Every run was killed where it was meant to be, at points spread over the steps.
        Assert.Equal(runs + 1, killedAt.Count);
        Assert.Contains(killedAt, k => k.StartsWith("destroy.", StringComparison.Ordinal));
        output.WriteLine($"seed {seed}: killed at " + string.Join(", ", killedAt));
    }

    /// <summary>
    /// Runs <c>slapos node {command}</c> in-process until it succeeds. Only a promise failure (exit code 2: a
    /// service too slow to answer its promise on a loaded machine) is run again, as the daemon would; the
    /// partition is redone, and at most <see cref="PromiseRetries"/> times.
    /// </summary>
    private async Task ConvergeAsync(string command, string context = "")
    {
        var run = await master.RunAsync(Node(command));
        for (var retry = 0; run.ExitCode == 2 && retry < PromiseRetries; retry++)
        {
            run = await master.RunAsync(Node(command));
        }

        Assert.True(run.ExitCode == 0, $"{context}: node {command} exited with {run.ExitCode}: {run.Error}{run.Output}");
    }

    /// <summary>
    /// Runs <c>slapos node {command}</c> killed at its <paramref name="point"/>-th kill point; the point's name.
    /// A run that ends on a promise failure (exit code 2) before the point is run again: the partition was not
    /// applied, so the next run reaches the same points.
    /// </summary>
    private async Task<string> KillAgentAtAsync(string command, int point, string context)
    {
        var (code, errors) = await RunAgentAsync(command, point.ToString(CultureInfo.InvariantCulture));
        for (var retry = 0; code == 2 && retry < PromiseRetries; retry++)
        {
            (code, errors) = await RunAgentAsync(command, point.ToString(CultureInfo.InvariantCulture));
        }

        var line = errors.Split('\n').SingleOrDefault(l => l.StartsWith($"slapos: killed at kill point {point} ", StringComparison.Ordinal));
        Assert.True(line is not null && code == 128 + 9, $"{context}: node {command} was not killed at its kill point {point} (exit code {code}): {errors}");
        return line.Split(' ')[6];
    }

    /// <summary>Started instances run their service once (the recorded process); stopped ones run nothing; timestamps are whole.</summary>
    private void AssertConverged(bool[] started)
    {
        var services = ServiceProcesses().Select(p => (Partition: ServicePartition(p), p.Id)).ToList();
        var expected = Enumerable.Range(0, Partitions).Where(i => started[i]).Select(i => $"slappart{i}");
        Assert.Equal(expected.Order(), services.Select(s => s.Partition).Order());
        foreach (var (partition, id) in services)
        {
            Assert.Equal(id, RecordedProcess(partition));
        }

        AssertWholeTimestamps();
    }

    private static int EnvironmentNumber(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>Formats the node, installs the release and requests the instances (started); their ports.</summary>
    private async Task<int[]> PrepareAsync()
    {
        Assert.Equal(0, (await master.RunAsync(Node("format"))).ExitCode);
        Assert.Equal(0, (await master.RunAsync("supply", Release, computer)).ExitCode);
        var ports = new int[Partitions];
        for (var i = 0; i < Partitions; i++)
        {
            ports[i] = FreePort();
            Assert.Equal(0, (await master.RunAsync("request", $"{computer}-{i}", Release, "--sla", $"computer_guid={computer}", "--parameters", $"port={ports[i]}")).ExitCode);
        }

        Assert.Equal(0, (await master.RunAsync(Node("software"))).ExitCode);
        return ports;
    }

    private ProcessStartInfo AgentStart(string command = "instance") =>
        new("dotnet", [CliProgram(), .. Node(command), "--master-url", master.Url]) { RedirectStandardOutput = true, RedirectStandardError = true };

    /// <summary>Runs <c>slapos node {command}</c> as a process of its own with a kill point armed; its exit code and standard error.</summary>
    private async Task<(int ExitCode, string Errors)> RunAgentAsync(string command, string killPoint)
    {
        var start = AgentStart(command);
        start.Environment[KillPoints.EnvironmentVariable] = killPoint;
        using var agent = Process.Start(start)!;
        var output = agent.StandardOutput.ReadToEndAsync();
        var errors = agent.StandardError.ReadToEndAsync();
        await agent.WaitForExitAsync();
        await output;
        return (agent.ExitCode, await errors);
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
