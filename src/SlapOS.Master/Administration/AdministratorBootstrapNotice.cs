using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Administration;

/// <summary>
/// At start in mutual TLS mode: when the certificate registry in the store has no valid administrator certificate
/// (none was ever issued, or all are revoked or expired), one log line tells the operator how to make the first one
/// (nobody can call the API before that). The registry is the truth every master shares; the CA directory's
/// <c>administrators.log</c> is only a journal of the command's runs.
/// </summary>
internal sealed class AdministratorBootstrapNotice(
    IOptions<SlapOSMasterOptions> options, IServiceProvider services, TimeProvider time, ILogger<AdministratorBootstrapNotice> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Security.Mode != SlapOSSecurityMode.MutualTls
            || services.GetService<ICertificateAuthority>() is null
            || services.GetService<IIdentityStore>() is not { } store)
        {
            return;
        }

        try
        {
            if (!await store.HasValidAdministratorCertificateAsync(time.GetUtcNow(), cancellationToken))
            {
                AdministrationLog.NoAdministrator(logger);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A hint is not worth failing the start: the store's own health check reports an unreachable store.
            AdministrationLog.RegistryUnreadable(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
