using System.Diagnostics;
using System.Globalization;

namespace SlapOS.Cli.Tests;

/// <summary>
/// The node agent killed (SIGKILL) in the middle of an instance run, then run again, converges to
/// the same state with nothing duplicated: one copy of each service, whole <c>.timestamp</c> files.
/// </summary>
public sealed class KilledNodeTests(LiveMaster master) : IClassFixture<LiveMaster>, IDisposable
{
    private const string Computer = "COMP-KILLED";
    private const int Partitions = 3;
    private readonly string root = Directory.CreateTempSubdirectory("slapos-killed-").FullName;

    private static string Release => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    private string[] Node(string command) =>
    [
        "node", command, "--computer-id", Computer, "--partition-amount", Partitions.ToString(CultureInfo.InvariantCulture),
        "--instance-root", Path.Combine(root, "srv"), "--software-root", Path.Combine(root, "opt"),
    ];

    public void Dispose()
    {
        for (var i = 0; i < Partitions; i++)
        {
            _ = master.RunAsync("request", $"killed-{i}", Release, "--state", "destroyed").GetAwaiter().GetResult();
        }

        _ = master.RunAsync(Node("instance")).GetAwaiter().GetResult();
        _ = master.RunAsync(Node("report")).GetAwaiter().GetResult();
        foreach (var process in ServiceProcesses())
        {
            process.Kill(entireProcessTree: true);
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact(Skip = "Known defect, open (issue 18): a node killed between starting a partition's service and recording it leaves an orphan that the next run does not adopt, so the service runs twice; seen once in a full run (slappart1 twice), passes alone")]
    public async Task A_node_killed_mid_run_converges_on_the_next_run_without_duplicates()
    {
        Assert.Equal(0, (await master.RunAsync(Node("format"))).ExitCode);
        Assert.Equal(0, (await master.RunAsync("supply", Release, Computer)).ExitCode);
        for (var i = 0; i < Partitions; i++)
        {
            Assert.Equal(0, (await master.RunAsync("request", $"killed-{i}", Release, "--sla", $"computer_guid={Computer}", "--parameters", $"port={FreePort()}")).ExitCode);
        }

        Assert.Equal(0, (await master.RunAsync(Node("software"))).ExitCode);

        // Kill the agent (SIGKILL) as soon as it supervises the second partition's processes: the run
        // has applied one partition and not yet the last (partitions are processed one at a time).
        var start = new ProcessStartInfo("dotnet", [CliProgram(), .. Node("instance"), "--master-url", master.Url]) { RedirectStandardOutput = true, RedirectStandardError = true };
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

        // One service process per partition, never a second copy.
        var services = ServiceProcesses().Select(p => ServicePartition(p)).ToList();
        Assert.Equal(Enumerable.Range(0, Partitions).Select(i => $"slappart{i}").Order(), services.Order());

        // Every .timestamp is whole: it holds a master timestamp.
        for (var i = 0; i < Partitions; i++)
        {
            var text = (await File.ReadAllTextAsync(Path.Combine(root, "srv", $"slappart{i}", ".timestamp"))).Trim();
            Assert.True(decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 1_000_000_000m, text);
        }
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
