using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Administration;

/// <summary>
/// At start in mutual TLS mode: when no administrator certificate was ever made, one log line tells the
/// operator how to make the first one (nobody can call the API before that).
/// </summary>
internal sealed class AdministratorBootstrapNotice(
    IOptions<SlapOSMasterOptions> options, IServiceProvider services, AdministratorRecord record, ILogger<AdministratorBootstrapNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Security.Mode == SlapOSSecurityMode.MutualTls
            && services.GetService<ICertificateAuthority>() is not null
            && record.Path is { } path
            && !record.HasAdministrator)
        {
            AdministrationLog.NoAdministrator(logger, path);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
