using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// In mutual TLS mode, loads the certificate authority and issues the master's server certificate at start, so a
/// master whose CA cannot be read fails at start with one clear message instead of at its first handshake.
/// </summary>
internal sealed class MasterTlsStartup(IOptions<SlapOSMasterOptions> options, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Security.Mode != SlapOSSecurityMode.MutualTls || services.GetService<ICertificateAuthority>() is null)
        {
            return Task.CompletedTask;
        }

        try
        {
            _ = services.GetRequiredService<MasterTlsMaterial>().ServerCertificate;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InvalidOperationException($"the master cannot load its certificate authority: {e.Message} (run the master as the user who owns SlapOS:Master:Identity:Directory)", e);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
