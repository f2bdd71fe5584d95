using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Security;

/// <summary>Refuses to run the unauthenticated development mode on any address but loopback.</summary>
internal sealed class InsecureLoopbackStartupCheck(IOptions<SlapOSMasterOptions> options, IServiceProvider services) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Security.Mode != SlapOSSecurityMode.InsecureLoopback)
        {
            return Task.CompletedTask;
        }

        // A host without a server (a worker, a test) exposes nothing.
        var addresses = (services.GetService(typeof(IServer)) as IServer)?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(a => !LoopbackGuard.IsLoopbackUrl(a)).ToList();
        if (exposed.Count > 0)
        {
            throw new InvalidOperationException(
                $"SlapOS:Master:Security:Mode=InsecureLoopback has no authentication and is refused on {string.Join(", ", exposed)}: listen on 127.0.0.1 or [::1] only, or use MutualTls.");
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
