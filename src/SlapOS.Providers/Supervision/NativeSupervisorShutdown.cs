using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SlapOS.Providers.Supervision;

/// <summary>
/// Lets go of the supervised processes when the host stops (they keep running unless
/// <see cref="NativeSupervisorOptions.StopProcessesOnShutdown"/> is set), and only when the native
/// supervisor is the one in use and was created.
/// </summary>
internal sealed class NativeSupervisorShutdown(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IProcessSupervisor>() is NativeSupervisor supervisor)
        {
            await supervisor.DisposeAsync();
        }
    }
}
