using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// At start-up, after the store is migrated: loads (or creates) the CA, and in mutual TLS mode issues the master's
/// server certificate, so that a broken or unreadable CA directory stops the start with one clear message instead
/// of failing the first handshake, and the CA certificate is on disk for clients.
/// </summary>
internal sealed class CertificateAuthorityStartup(IOptions<SlapOSMasterOptions> options, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ICertificateAuthority>() is not { } authority)
        {
            return;
        }

        try
        {
            await authority.GetCaCertificatePemAsync(cancellationToken).ConfigureAwait(false);
            if (options.Value.Security.Mode == SlapOSSecurityMode.MutualTls)
            {
                _ = services.GetRequiredService<MasterTlsMaterial>().ServerCertificate;
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InvalidOperationException($"the master cannot load its certificate authority: {e.Message} (run the master as the user who owns SlapOS:Master:Identity:Directory)", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
