using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Supervisord;

/// <summary>
/// Lets go of supervisord when the host stops; it keeps running the partitions unless
/// <see cref="SupervisordOptions.ShutdownOnHostStop"/> is set.
/// </summary>
internal sealed class SupervisordShutdown(IServiceProvider services, IOptions<SupervisordOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IProcessSupervisor>() is SupervisordSupervisor supervisor)
        {
            if (options.Value.ShutdownOnHostStop)
            {
                await supervisor.ShutdownDaemonAsync(cancellationToken);
            }

            await supervisor.DisposeAsync();
        }
    }
}
