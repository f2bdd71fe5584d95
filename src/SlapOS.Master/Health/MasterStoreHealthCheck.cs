using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SlapOS.Master.Health;

/// <summary>Ready when the store answers and every migration this SlapOS ships is applied.</summary>
internal sealed class MasterStoreHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IMasterStore>() is not { } store)
        {
            return HealthCheckResult.Unhealthy("no SlapOS master store is registered");
        }

        try
        {
            var version = await store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            return version.IsCurrent
                ? HealthCheckResult.Healthy($"store at schema version {version.Applied}")
                : HealthCheckResult.Unhealthy($"store at schema version {version.Applied}, this SlapOS needs {version.Latest}: migrations are not applied");
        }
#pragma warning disable CA1031 // Whatever the store's failure, the answer is "not ready".
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("the store is unreachable: " + e.Message);
        }
    }
}
