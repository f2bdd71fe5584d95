using Microsoft.Extensions.Logging;
using SlapOS.Slave.Formatting;
using SlapOS.Slave.Instances;
using SlapOS.Slave.Locking;
using SlapOS.Slave.Promises;
using SlapOS.Slave.Reporting;
using SlapOS.Slave.Software;

namespace SlapOS.Slave.Agent;

/// <summary>Runs each command under the node lock and turns its outcome into slapgrid's exit codes.</summary>
internal sealed class NodeAgent(
    NodeLayout layout,
    FormatRun format,
    SoftwareRun software,
    InstanceRun instance,
    ReportRun report,
    PromiseRun promise,
    SlapOS.Slave.Health.NodeRunRecord runs,
    ILogger<NodeAgent> logger) : INodeAgent
{
    public Task<NodeRunResult> FormatAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync("format", format.RunAsync, progress, cancellationToken);

    public Task<NodeRunResult> SoftwareAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync("software", software.RunAsync, progress, cancellationToken);

    public Task<NodeRunResult> InstanceAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync("instance", instance.RunAsync, progress, cancellationToken);

    public Task<NodeRunResult> ReportAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync("report", report.RunAsync, progress, cancellationToken);

    public Task<NodeRunResult> PromiseAsync(IProgress<NodeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync("promise", promise.RunAsync, progress, cancellationToken);

    private async Task<NodeRunResult> RunAsync(
        string command,
        Func<IProgress<NodeProgress>?, CancellationToken, Task<NodeRunResult>> run,
        IProgress<NodeProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var activity = SlaveTelemetry.Source.StartActivity("slapgrid " + command);
        NodeRunResult result;
        using (var nodeLock = NodeLock.TryAcquire(layout.LockPath))
        {
            if (nodeLock is null)
            {
                logger.LockHeld(command, layout.LockPath);
                result = new NodeRunResult(NodeExitCode.Failure, [], $"Another slapgrid run holds the node lock {layout.LockPath}; try again when it has finished.");
            }
            else
            {
                try
                {
                    result = await run(progress, cancellationToken).ConfigureAwait(false);
                }
                catch (MasterUnreachableException ex)
                {
                    logger.MasterOffline(command, ex);
                    result = new NodeRunResult(NodeExitCode.Offline, [], $"The master is unreachable: {ex.Message}");
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    logger.RunFailed(command, ex);
                    result = new NodeRunResult(NodeExitCode.Failure, [], ex.Message);
                }

                // The promise command runs locally; every other command talks to the master.
                if (command != "promise")
                {
                    runs.Finished(command, result);
                }
            }
        }

        activity?.SetTag("slapos.exit_code", (int)result.ExitCode);
        SlaveTelemetry.Runs.Add(1, new("command", command), new("exit_code", (int)result.ExitCode));
        logger.RunFinished(command, (int)result.ExitCode);
        return result;
    }
}
