using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// At start-up, after the store is migrated: loads (or creates) the CA, so that a broken CA directory stops the
/// start with its error instead of failing the first handshake, and the CA certificate is on disk for clients.
/// </summary>
internal sealed class CertificateAuthorityStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ICertificateAuthority>() is { } authority)
        {
            await authority.GetCaCertificatePemAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
