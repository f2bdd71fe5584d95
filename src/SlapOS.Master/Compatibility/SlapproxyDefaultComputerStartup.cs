using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Compatibility;

/// <summary>
/// In the slapproxy profile, the configured default computer exists from the start (as slapproxy's does, before
/// <c>slapos node format</c> ran): it answers with no partitions, and supplies and requests can name it.
/// </summary>
internal sealed class SlapproxyDefaultComputerStartup(IOptions<SlapOSMasterOptions> options, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a store, MasterStoreStartup (which runs first) has already failed with its message.
        if (!options.Value.IsSlapproxy() || services.GetService<IMasterStore>() is not { } store)
        {
            return;
        }

        var reference = options.Value.Compatibility.DefaultComputer;
        if (await store.GetComputerAsync(reference, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.UpsertComputerAsync(new Computer { Reference = reference }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
