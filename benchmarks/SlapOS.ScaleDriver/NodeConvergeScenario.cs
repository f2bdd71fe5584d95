using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SlapOS.Master;
using SlapOS.Slave.Agent;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The <c>node-converge</c> scenario: a master and one node in this process on the embedded defaults (SQLite,
/// native buildout, native supervisor, unprivileged formatter, JSON client), as the standalone sample composes
/// them. N instances of the sample release hello-web are requested (each with its own port), then one
/// <c>instance</c> run is timed, a no-op run, the destroy of all (instance + report runs); then N programs
/// of N groups are brought to RUNNING by the native supervisor directly, in one batch and one at a time.
/// </summary>
internal static class NodeConvergeScenario
{
    private const string Computer = "COMP-BENCH";

    public static async Task<int> RunAsync(Options options)
    {
        var count = options.Int("--partitions", 100);
        var parallelism = options.Int("--parallelism", 1);
        var release = options.Get("--release") ?? Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");
        // --real: the real tools, for comparison: zc.buildout and supervisord (one group per partition, as SlapOS).
        var real = options.Has("--real");
        var providers = real ? "zc.buildout + supervisord" : "native buildout + native supervisor";
        Measure.PrintConditions("node-converge", string.Create(CultureInfo.InvariantCulture,
            $"load: master (SQLite) + node in one process, {providers} + unprivileged formatter, JSON client over loopback HTTP; {count} hello-web instances (python3 http.server each, a python3 promise each); InstanceParallelism {parallelism}; release {release}; running as {Environment.UserName}"));

        var root = Directory.CreateTempSubdirectory("slapos-bench-node-").FullName;
        WebApplication? master = null;
        IHost? node = null;
        var exit = 0;
        try
        {
            master = await StartMasterAsync(root);
            var url = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            node = await StartNodeAsync(root, url, count, parallelism, real);
            var agent = node.Services.GetRequiredService<INodeAgent>();
            var slap = master.Services.GetRequiredService<ISlapMaster>();
            // --trace prints every step of the node with its time, to see where a partition's time goes.
            var trace = Stopwatch.StartNew();
            IProgress<NodeProgress> progress = options.Has("--trace")
                ? new TraceProgress(p => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {trace.Elapsed.TotalSeconds:F3} {p.Command}: {p.Item}: {p.Step}")))
                : new Progress<NodeProgress>();

            Console.WriteLine("| step | seconds | result |");
            Console.WriteLine("|---|---|---|");
            var format = await TimeAsync(() => agent.FormatAsync(progress, default));
            Row($"format ({count} partitions)", format);
            await slap.SupplyAsync(Computer, release, SupplyState.Available, default);
            Row("software (hello-web)", await TimeAsync(() => agent.SoftwareAsync(progress, default)));

            var requests = FreePorts(count).Select((port, i) => new InstanceRequest
            {
                Title = $"hello-{i:D3}",
                SoftwareReleaseUrl = release,
                Parameters = new Dictionary<string, string> { ["name"] = $"bench {i}", ["port"] = port.ToString(CultureInfo.InvariantCulture) },
            }).ToList();
            foreach (var request in requests)
            {
                await slap.RequestAsync(request, default);
            }

            var cpu = Measure.CpuSeconds();
            var first = await TimeAsync(() => agent.InstanceAsync(progress, default));
            Row($"first instance run ({count} partitions)", first, Measure.CpuSeconds() - cpu);
            var answered = await CountAnsweringAsync(slap, requests);
            Console.WriteLine($"| instances started with their URL answering | | {answered}/{count} |");
            if (answered != count)
            {
                exit = 1;
            }

            cpu = Measure.CpuSeconds();
            var noop = await TimeAsync(() => agent.InstanceAsync(progress, default));
            Row("next instance run (no-op)", noop, Measure.CpuSeconds() - cpu);

            foreach (var request in requests)
            {
                await slap.RequestAsync(request with { State = RequestedState.Destroyed }, default);
            }

            var destroy = Stopwatch.StartNew();
            var destroyInstance = await agent.InstanceAsync(progress, default);
            var destroyReport = await agent.ReportAsync(progress, default);
            var left = 0;
            foreach (var request in requests)
            {
                left += await slap.FindInstanceAsync(InstanceRequest.RootRequester, request.Title, default) is null ? 0 : 1;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| destroy all (instance run + report run) | {destroy.Elapsed.TotalSeconds:F2} | {Summary(destroyInstance)}; {Summary(destroyReport)}; {left} instances left |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| peak RSS of the process (MiB) | | {Measure.PeakRssMiB():F0} |"));
            Console.WriteLine();

            await SupervisorAsync(node.Services.GetRequiredService<IProcessSupervisor>(), real ? "supervisord" : "native supervisor", count, root);
        }
        finally
        {
            if (node is not null)
            {
                await node.StopAsync(CancellationToken.None);
                node.Dispose();
            }

            if (master is not null)
            {
                await master.DisposeAsync();
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A process may still be closing its files.
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at end: {Measure.LoadAverage()}");
        return exit;
    }

    /// <summary>N groups of one <c>sleep</c> program each, to RUNNING: the supervisor's own cost.</summary>
    private static async Task SupervisorAsync(IProcessSupervisor supervisor, string name, int count, string root)
    {
        Console.WriteLine($"{name}: {count} groups of one program (/bin/sleep 1000) each");
        Console.WriteLine();
        Console.WriteLine("| mode | to RUNNING s | stop + remove all s |");
        Console.WriteLine("|---|---|---|");
        foreach (var batch in new[] { true, false })
        {
            var groups = Enumerable.Range(0, count).Select(i => $"bench-{(batch ? "b" : "s")}{i:D3}").ToList();
            var clock = Stopwatch.StartNew();
            async Task StartAsync(string group)
            {
                var directory = Directory.CreateDirectory(Path.Combine(root, "supervised", group)).FullName;
                await supervisor.UpdateGroupAsync(group, [new ProgramDefinition
                {
                    Name = "sleep",
                    Command = "/bin/sleep",
                    Arguments = ["1000"],
                    WorkingDirectory = directory,
                    StdoutLogFile = Path.Combine(directory, "sleep.log"),
                }], default);
                await supervisor.StartGroupAsync(group, default);
            }

            if (batch)
            {
                await Task.WhenAll(groups.Select(StartAsync));
            }
            else
            {
                foreach (var group in groups)
                {
                    await StartAsync(group);
                }
            }

            // RUNNING as the supervisor reports it.
            foreach (var group in groups)
            {
                while ((await supervisor.GetStatusAsync(group, default)).Any(s => s.State != ProgramState.Running))
                {
                    await Task.Delay(5);
                }
            }

            var running = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await Task.WhenAll(groups.Select(g => supervisor.RemoveGroupAsync(g, default)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(batch ? "all groups at once" : "one group after the other (as slapgrid)")} | {running:F2} | {clock.Elapsed.TotalSeconds:F2} |"));
        }
    }

    private static async Task<int> CountAnsweringAsync(ISlapMaster slap, IEnumerable<InstanceRequest> requests)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var answered = 0;
        foreach (var request in requests)
        {
            var instance = await slap.FindInstanceAsync(InstanceRequest.RootRequester, request.Title, default);
            if (instance?.ConnectionParameters.TryGetValue("url", out var url) == true)
            {
                // A release without a promise may be checked before its service listens: give it 10 s.
                for (var attempt = 0; attempt < 100; attempt++)
                {
                    try
                    {
                        answered += (await http.GetStringAsync(new Uri(url))).StartsWith("Hello", StringComparison.Ordinal) ? 1 : 0;
                        break;
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(100);
                    }
                }
            }
        }

        return answered;
    }

    private static async Task<(NodeRunResult Result, double Seconds)> TimeAsync(Func<Task<NodeRunResult>> run)
    {
        var clock = Stopwatch.StartNew();
        var result = await run();
        return (result, clock.Elapsed.TotalSeconds);
    }

    private static void Row(string step, (NodeRunResult Result, double Seconds) run, double? cpu = null) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {step} | {run.Seconds:F2} | {Summary(run.Result)}{(cpu is { } c ? $"; {c:F1} CPU s in this process" : "")} |"));

    private static string Summary(NodeRunResult result)
    {
        var counts = string.Join(", ", result.Outcomes.GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        var failure = result.Outcomes.FirstOrDefault(o => o.Status is NodeItemStatus.Failed or NodeItemStatus.PromiseFailed);
        return $"exit {result.ExitCode}{(counts.Length > 0 ? $" ({counts})" : "")}{(failure is null ? "" : $"; first failure: {failure.Item}: {failure.Message?.ReplaceLineEndings(" ")}")}";
    }

    private sealed class TraceProgress(Action<NodeProgress> report) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => report(value);
    }

    private static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static async Task<WebApplication> StartMasterAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(root, "master.db")));
        var app = builder.Build();
        app.MapSlapOSMaster();
        await app.StartAsync();
        return app;
    }

    private static async Task<IHost> StartNodeAsync(string root, string masterUrl, int partitions, int parallelism, bool real)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = Computer,
            ["SlapOS:Slave:MasterUrl"] = masterUrl,
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(root, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(root, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = partitions.ToString(CultureInfo.InvariantCulture),
            ["SlapOS:Slave:InstanceParallelism"] = parallelism.ToString(CultureInfo.InvariantCulture),
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
        });
        builder.Services.AddSlapOSSlave(node =>
        {
            node.UseJsonMasterClient().UseUnprivilegedFormatter();
            if (real)
            {
                node.UseBuildout().UseSupervisord(o =>
                {
                    o.Directory = Path.Combine(root, "etc");
                    o.ShutdownOnHostStop = true;
                });
            }
            else
            {
                node.UseNativeBuildout().UseNativeSupervisor();
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
