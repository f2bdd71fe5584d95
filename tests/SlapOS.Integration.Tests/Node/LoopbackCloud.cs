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

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// A master (SQLite, insecure loopback) and a node (JSON client, or the legacy XML client as a real
/// SlapOS master needs; native supervisor, unprivileged formatter, the given installer) on loopback, in a temporary directory removed at the end.
/// </summary>
internal sealed class LoopbackCloud : IAsyncDisposable
{
    private LoopbackCloud(string computer, string root, WebApplication master, IHost node)
    {
        Computer = computer;
        Root = root;
        Master = master;
        Node = node;
    }

    public string Computer { get; }

    public string Root { get; }

    public WebApplication Master { get; }

    public IHost Node { get; }

    public ISlapMaster Slap => Master.Services.GetRequiredService<ISlapMaster>();

    public INodeAgent Agent => Node.Services.GetRequiredService<INodeAgent>();

    /// <summary>The hello-web sample release, copied next to the tests.</summary>
    public static string HelloWeb => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    public string PartitionPath(string partition) => Path.Combine(Root, "srv", partition);

    /// <summary>
    /// Starts both. <paramref name="useInstaller"/> chooses the installer; <paramref name="nodeSettings"/>
    /// overrides <c>SlapOS:Slave:*</c> keys (e.g. <c>RunDaemon</c>, intervals).
    /// </summary>
    public static async Task<LoopbackCloud> StartAsync(
        string computer,
        Func<ISlapOSSlaveBuilder, ISlapOSSlaveBuilder> useInstaller,
        int partitions = 2,
        IReadOnlyDictionary<string, string?>? nodeSettings = null,
        bool xmlClient = false)
    {
        var root = Directory.CreateTempSubdirectory($"slapos-{computer.ToLowerInvariant()}-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(root, "master.db")));
        var master = builder.Build();
        master.MapSlapOSMaster();
        await master.StartAsync();
        var url = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var settings = new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = computer,
            ["SlapOS:Slave:MasterUrl"] = url,
            ["SlapOS:Slave:InstanceRoot"] = Path.Combine(root, "srv"),
            ["SlapOS:Slave:SoftwareRoot"] = Path.Combine(root, "opt"),
            ["SlapOS:Slave:PartitionAmount"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:NativeSupervisor:StateDirectory"] = Path.Combine(root, "supervisor"),
            ["SlapOS:Slave:NativeSupervisor:StopProcessesOnShutdown"] = "true",
            // Each cloud gets its own loopback range, so parallel test classes never share addresses.
            ["SlapOS:Slave:UnprivilegedFormatter:Ipv4Range"] = $"127.{Random.Shared.Next(32, 250)}.{Random.Shared.Next(0, 250)}.0/24",
        };
        foreach (var (key, value) in nodeSettings ?? new Dictionary<string, string?>())
        {
            settings[$"SlapOS:Slave:{key}"] = value;
        }

        var nodeBuilder = Host.CreateApplicationBuilder();
        nodeBuilder.Logging.ClearProviders();
        nodeBuilder.Configuration.AddInMemoryCollection(settings);
        nodeBuilder.Services.AddSlapOSSlave(s => useInstaller(xmlClient ? s.UseXmlMasterClient() : s.UseJsonMasterClient()).UseNativeSupervisor().UseUnprivilegedFormatter());
        var node = nodeBuilder.Build();
        await node.StartAsync();
        return new LoopbackCloud(computer, root, master, node);
    }

    /// <summary>A TCP port free on loopback now, for an instance's <c>port</c> parameter.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Node.StopAsync();
        Node.Dispose();
        await Master.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
