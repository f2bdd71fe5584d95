using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SlapOS.Master.Changes;

/// <summary>
/// Feeds the store's change signals (this master's commits at once, other masters' by NOTIFY or by polling,
/// see <see cref="IComputerChangeFeed"/>) to the long-polls waiting here. A store without a feed wakes no one
/// early: nodes then learn of changes when their long-poll times out and reads the stamp.
/// </summary>
internal sealed class ComputerChangeListener(IServiceProvider services, ComputerChangeNotifier notifier) : BackgroundService
{
    // The store is resolved when the host runs, so that a missing store is reported by MasterStoreStartup, clearly.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        services.GetService<IMasterStore>() is IComputerChangeFeed feed ? feed.RunAsync(notifier.Signal, stoppingToken) : Task.CompletedTask;
}
