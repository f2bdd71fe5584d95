using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Federation;

/// <summary>
/// Asks every forwarded instance again from its external master every <see cref="FederationOptions.RefreshInterval"/>,
/// so that connection parameters published there show here; an unreachable master is tried again at the next round
/// (and each call retries with back-off). Runs only when external masters are configured.
/// </summary>
internal sealed class ForwardedInstanceRefresh(
    IOptions<FederationOptions> options,
    IServiceProvider services,
    TimeProvider timeProvider,
    ILogger<ForwardedInstanceRefresh> logger) : BackgroundService
{
    // Resolved only when federation is on: a host without a store must fail on the store's own clear message.
    private RequestForwarder Forwarder => services.GetRequiredService<RequestForwarder>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RefreshInterval;
        if (options.Value.Masters.Count == 0 || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await RefreshAllAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round over every forwarded instance.</summary>
    public async Task RefreshAllAsync(CancellationToken cancellationToken)
    {
        var records = new List<ForwardedInstance>();
        try
        {
            await foreach (var record in Forwarder.Store.ListForwardedInstancesAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(record);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            FederationLog.RefreshFailed(logger, "*", "*", e);
            return;
        }

        var store = services.GetRequiredService<IMasterStore>();
        var master = services.GetRequiredService<SlapMaster>();
        foreach (var record in records)
        {
            try
            {
                if (await store.GetInstanceAsync(record.InstanceReference, cancellationToken).ConfigureAwait(false) is { } instance)
                {
                    await master.RefreshForwardedAsync(instance, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                FederationLog.RefreshFailed(logger, record.InstanceReference, record.MasterUrl, e);
            }
        }
    }
}
