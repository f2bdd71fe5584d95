using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Daemon;

/// <summary>
/// The node daemon: formats once at start (until it succeeds), then runs software, instance and report on their intervals, waits between runs on the
/// master's change signal (<see cref="ISlapMasterClient.WaitForChangeAsync"/>) so a new request is
/// applied at once without busy polling, backs off while the master is unreachable, and bangs
/// partitions whose watched services crash.
/// </summary>
internal sealed class SlapgridDaemon(
    INodeAgent agent,
    ISlapMasterClient master,
    CrashBangWatcher crashes,
    IOptions<SlapOSSlaveOptions> options,
    TimeProvider time,
    ILogger<SlapgridDaemon> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunDaemon)
        {
            logger.DaemonDisabled();
            return;
        }

        var watch = crashes.RunAsync(stoppingToken);
        try
        {
            await LoopAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }

        await watch.ConfigureAwait(false);
    }

    internal async Task LoopAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        DateTimeOffset nextSoftware = now, nextInstance = now, nextReport = now;
        InstanceTimestamp? since = null;
        var offlineAttempts = 0;
        var formatted = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var offline = false;
            try
            {
                // As `slapos node boot`: the partitions exist and the master knows them before anything else runs.
                if (!formatted)
                {
                    var result = await agent.FormatAsync(null, cancellationToken).ConfigureAwait(false);
                    offline |= result.ExitCode == NodeExitCode.Offline;
                    formatted = result.ExitCode == NodeExitCode.Ok;
                }

                if (time.GetUtcNow() >= nextSoftware)
                {
                    var result = await agent.SoftwareAsync(null, cancellationToken).ConfigureAwait(false);
                    offline |= result.ExitCode == NodeExitCode.Offline;
                    nextSoftware = time.GetUtcNow() + settings.SoftwareInterval;
                }

                if (time.GetUtcNow() >= nextInstance)
                {
                    var result = await agent.InstanceAsync(null, cancellationToken).ConfigureAwait(false);
                    offline |= result.ExitCode == NodeExitCode.Offline;
                    since = result.NewestTimestamp ?? since;
                    nextInstance = time.GetUtcNow() + settings.InstanceInterval;
                }

                if (time.GetUtcNow() >= nextReport)
                {
                    var result = await agent.ReportAsync(null, cancellationToken).ConfigureAwait(false);
                    offline |= result.ExitCode == NodeExitCode.Offline;
                    nextReport = time.GetUtcNow() + settings.ReportInterval;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.DaemonFailed(ex);
            }

            if (offline)
            {
                // Services keep running; retry everything after a growing pause, and report when back.
                offlineAttempts++;
                var delay = Backoff(offlineAttempts, settings.MaximumOfflineBackoff);
                logger.DaemonBackoff(delay);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                nextSoftware = nextInstance = nextReport = time.GetUtcNow();
                continue;
            }

            offlineAttempts = 0;
            var due = Min(nextSoftware, Min(nextInstance, nextReport));
            if (await WaitAsync(settings.ComputerReference, since, due, cancellationToken).ConfigureAwait(false))
            {
                logger.DaemonWokenUp();
                nextSoftware = nextInstance = time.GetUtcNow();
            }
        }
    }

    /// <summary>The pause after <paramref name="attempts"/> offline runs: 5 s, 10 s, 20 s… up to <paramref name="maximum"/>.</summary>
    internal static TimeSpan Backoff(int attempts, TimeSpan maximum)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstBackoff.Ticks * factor, maximum.Ticks));
        return delay < maximum ? delay : maximum;
    }

    /// <summary>Waits until <paramref name="due"/> or a change signal; never spins even if the client answers early.</summary>
    private async Task<bool> WaitAsync(string computerReference, InstanceTimestamp? since, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var wait = due - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        try
        {
            if (await master.WaitForChangeAsync(computerReference, since, wait, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.DaemonFailed(ex);
        }

        var rest = due - time.GetUtcNow();
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, time, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private static DateTimeOffset Min(DateTimeOffset left, DateTimeOffset right) => left < right ? left : right;
}
