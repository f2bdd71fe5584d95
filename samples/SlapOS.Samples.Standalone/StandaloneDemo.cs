using System.Diagnostics;
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

namespace SlapOS.Samples.Standalone;

/// <summary>
/// The first thing a new user runs: a master and a node in one process on loopback, on the embedded
/// defaults (SQLite, native buildout, native supervisor, unprivileged formatter). It supplies the
/// hello-web release, requests an instance, shows the node converging, prints the connection
/// parameters, checks that the published URL answers, then destroys everything it made.
/// </summary>
public sealed class StandaloneDemo(TextWriter output)
{
    /// <summary>The reference of the demo's computer.</summary>
    public const string Computer = "COMP-DEMO";
    private const string InstanceTitle = "hello";

    /// <summary>How long the node may take to converge before the demo gives up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Where the demo keeps its files; a fresh temporary directory when not set.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Keep the files after the run (for a look at the partitions).</summary>
    public bool Keep { get; init; }

    /// <summary>Runs the demo; 0 when the instance answered, 1 otherwise (the reason is printed).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = WorkDirectory ?? Directory.CreateTempSubdirectory("slapos-demo-").FullName;
        var release = Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");
        if (!File.Exists(release))
        {
            output.WriteLine($"error: the sample release is missing at {release}");
            return 1;
        }

        output.WriteLine($"SlapOS standalone demo in {root}");
        WebApplication? master = null;
        IHost? node = null;
        try
        {
            master = await StartMasterAsync(root, cancellationToken);
            var masterUrl = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            output.WriteLine($"[master] listening on {masterUrl} (SQLite {Path.Combine(root, "master.db")})");

            node = await StartNodeAsync(root, masterUrl, cancellationToken);
            var agent = node.Services.GetRequiredService<INodeAgent>();
            var slap = master.Services.GetRequiredService<ISlapMaster>();
            var progress = new SynchronousProgress(p => output.WriteLine($"[node] {p.Command}: {p.Item}: {p.Step}"));

            Expect(await agent.FormatAsync(progress, cancellationToken), "format");
            await slap.SupplyAsync(Computer, release, SupplyState.Available, cancellationToken);
            output.WriteLine($"[master] supplied {release} to {Computer}");

            var port = FreePort();
            var request = new InstanceRequest
            {
                Title = InstanceTitle,
                SoftwareReleaseUrl = release,
                Parameters = new Dictionary<string, string> { ["name"] = "SlapOS", ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
            var instance = await slap.RequestAsync(request, cancellationToken);
            output.WriteLine($"[master] requested '{InstanceTitle}': allocated on {instance.ComputerReference}/{instance.PartitionReference}");

            var url = await ConvergeAsync(agent, slap, request, progress, cancellationToken);
            if (url is null)
            {
                return 1;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var answer = (await http.GetStringAsync(url, cancellationToken)).Trim();
            output.WriteLine($"[check] GET {url} -> {answer}");
            if (answer != "Hello SlapOS")
            {
                output.WriteLine("error: the instance answered something else than 'Hello SlapOS'");
                return 1;
            }

            await slap.RequestAsync(request with { State = RequestedState.Destroyed }, cancellationToken);
            await agent.InstanceAsync(progress, cancellationToken);
            Expect(await agent.ReportAsync(progress, cancellationToken), "report");
            var left = await slap.FindInstanceAsync(InstanceRequest.RootRequester, InstanceTitle, cancellationToken);
            output.WriteLine(left is null ? "[master] instance destroyed, partition freed" : $"[master] instance still there ({left.ReportedState})");
            output.WriteLine("OK: the instance was deployed, answered, and was destroyed.");
            return left is null ? 0 : 1;
        }
        catch (Exception e) when (e is SlapException or HttpRequestException or DemoException or TaskCanceledException or IOException)
        {
            output.WriteLine($"error: {e.Message}");
            return 1;
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

            if (!Keep && WorkDirectory is null)
            {
                TryDelete(root);
            }
        }
    }

    private async Task<string?> ConvergeAsync(INodeAgent agent, ISlapMaster slap, InstanceRequest request, IProgress<NodeProgress> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            var software = await agent.SoftwareAsync(progress, cancellationToken);
            var instance = await agent.InstanceAsync(progress, cancellationToken);
            var current = await slap.RequestAsync(request, cancellationToken);
            if (current.ConnectionParameters.TryGetValue("url", out var url))
            {
                output.WriteLine($"[master] '{InstanceTitle}' is {current.ReportedState.ToString().ToLowerInvariant()} after {clock.Elapsed.TotalSeconds:0.0} s; connection parameters:");
                foreach (var (key, value) in current.ConnectionParameters)
                {
                    output.WriteLine($"    {key} = {value}");
                }

                return url;
            }

            if (software.ExitCode == NodeExitCode.Failure || instance.ExitCode == NodeExitCode.Failure)
            {
                output.WriteLine($"[node] not converged yet: {software.Message ?? instance.Message ?? string.Join("; ", instance.Outcomes.Select(o => o.ToString()))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        output.WriteLine($"error: the node did not converge within {Timeout.TotalSeconds:0} s");
        return null;
    }

    /// <summary>Starts the master on a free loopback port, SQLite in <paramref name="root"/>, insecure loopback mode.</summary>
    internal static async Task<WebApplication> StartMasterAsync(string root, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(root, "master.db")));
        try
        {
            // OpenTelemetry__OtlpEndpoint=http://127.0.0.1:4317: the master's and the node's spans and metrics (one process,
            // one exporter), so the request and the node's deployment show as one trace (docs/observability.md).
            builder.AddSlapOSOtlpExport("slapos-standalone");
        }
        catch (InvalidOperationException e)
        {
            throw new DemoException(e.Message);
        }

        var app = builder.Build();
        app.MapSlapOSMaster();
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>Starts the node of <see cref="Computer"/> against <paramref name="masterUrl"/>; with <paramref name="daemon"/>, it runs on its own (1 s intervals) instead of being driven.</summary>
    internal static async Task<IHost> StartNodeAsync(string root, string masterUrl, CancellationToken cancellationToken, bool daemon = false)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = Computer,
            ["SlapOS:Slave:MasterUrl"] = masterUrl,
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(root, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(root, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = "3",
            ["SlapOS:Slave:RunDaemon"] = daemon ? "true" : "false",
            ["SlapOS:Slave:SoftwareInterval"] = "00:00:01",
            ["SlapOS:Slave:InstanceInterval"] = "00:00:01",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
        });
        builder.Services.AddSlapOSSlave(node => node
            .UseJsonMasterClient()
            .UseNativeBuildout()
            .UseNativeSupervisor()
            .UseUnprivilegedFormatter());
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static void Expect(NodeRunResult result, string command)
    {
        if (result.ExitCode != NodeExitCode.Ok)
        {
            throw new DemoException($"node {command} failed ({result.ExitCode}): {result.Message ?? string.Join("; ", result.Outcomes.Select(o => o.ToString()))}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be closing its files; the temp directory is left for the system to clean.
        }
    }

    private sealed class SynchronousProgress(Action<NodeProgress> report) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => report(value);
    }

    private sealed class DemoException(string message) : Exception(message);
}
