using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master.Hosting;

/// <summary>At start-up: fails clearly when no store was chosen, and migrates the store when <see cref="SlapOSMasterOptions.AutoMigrate"/>.</summary>
internal sealed class MasterStoreStartup(IServiceProvider services, IOptions<SlapOSMasterOptions> options, ILogger<MasterStoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = services.GetService<IMasterStore>() ?? throw new InvalidOperationException(
            "No SlapOS master store is registered. Choose one in AddSlapOSMaster(m => m.UseSqlite(\"master.db\")) or m.UsePostgreSql(connectionString) (package SlapOS.Providers).");
        if (options.Value.AutoMigrate)
        {
            MasterLog.Migrating(logger);
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
