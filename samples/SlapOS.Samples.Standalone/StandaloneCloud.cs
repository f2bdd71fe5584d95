using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SlapOS.Samples.Standalone;

/// <summary>
/// The standalone demo's master and node left running, the node as a daemon: a cloud on loopback for a client
/// (the <c>slapos</c> CLI, a script) to request from and watch converge. Dispose stops both and removes the files.
/// </summary>
public sealed class StandaloneCloud : IAsyncDisposable
{
    private readonly string root;
    private readonly WebApplication master;
    private readonly IHost node;

    private StandaloneCloud(string root, WebApplication master, IHost node)
    {
        (this.root, this.master, this.node) = (root, master, node);
        MasterUrl = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    /// <summary>The master's URL (loopback, insecure loopback mode).</summary>
    public string MasterUrl { get; }

    /// <summary>The node's computer reference.</summary>
    public static string Computer => StandaloneDemo.Computer;

    /// <summary>The hello-web sample release shipped beside the sample.</summary>
    public static string HelloWebRelease => Path.Combine(AppContext.BaseDirectory, "software", "hello-web", "software.cfg");

    /// <summary>Starts the master and the node daemon in a fresh temporary directory.</summary>
    public static async Task<StandaloneCloud> StartAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("slapos-standalone-").FullName;
        var master = await StandaloneDemo.StartMasterAsync(root, cancellationToken);
        var url = master.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var node = await StandaloneDemo.StartNodeAsync(root, url, cancellationToken, daemon: true);
        return new StandaloneCloud(root, master, node);
    }

    public async ValueTask DisposeAsync()
    {
        await node.StopAsync(CancellationToken.None);
        node.Dispose();
        await master.DisposeAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be closing its files; the temp directory is left for the system to clean.
        }
    }
}
