using Microsoft.Extensions.Logging;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Instances;

/// <summary>Consumes the supervisor's crashes of watched services and bangs the partition, once per deployment.</summary>
internal sealed class CrashBangWatcher(
    IProcessSupervisor supervisor,
    ISlapMasterClient master,
    CrashBangRegistry registry,
    NodeLayout layout,
    TimeProvider time,
    ILogger<CrashBangWatcher> logger)
{
    /// <summary>Watches until cancelled; a broken watch or an unreachable master is retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var crash in supervisor.WatchCrashesAsync(cancellationToken).ConfigureAwait(false))
                {
                    await OnCrashAsync(crash, cancellationToken).ConfigureAwait(false);
                }

                // The stream ended (supervisor restarted): watch again after a pause.
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.CrashWatchFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(5), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal async Task OnCrashAsync(ProgramCrash crash, CancellationToken cancellationToken)
    {
        if (!registry.TryMarkBanged(crash.Group))
        {
            logger.CrashAlreadyBanged(crash.Group, crash.Name);
            return;
        }

        var message = $"Watched service {crash.Name} crashed (exit code {crash.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}).";
        logger.CrashBang(crash.Group, crash.Name, crash.ExitCode);
        try
        {
            await master.BangAsync(layout.ComputerReference, crash.Group, message, cancellationToken).ConfigureAwait(false);
            SlaveTelemetry.CrashBangs.Add(1);
        }
        catch (MasterUnreachableException ex)
        {
            // Offline: allow the next crash to try again.
            registry.Deployed(crash.Group, default);
            logger.CrashBangFailed(crash.Group, ex);
        }
    }
}
