using Microsoft.Extensions.Logging;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Managers;

namespace SlapOS.Slave.Software;

/// <summary>
/// <c>slapos node software</c>: installs every release supplied <c>available</c> (reporting building,
/// then available or error with the log tail) and removes those supplied <c>destroyed</c>. One release
/// failing does not stop the others.
/// </summary>
internal sealed class SoftwareRun(
    ISlapMasterClient master,
    ISoftwareInstaller installer,
    NodeLayout layout,
    NodeManagers managers,
    ILogger<SoftwareRun> logger)
{
    private const string Command = "software";

    public async Task<NodeRunResult> RunAsync(IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var document = await master.GetComputerDocumentAsync(layout.ComputerReference, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<NodeItemOutcome>(document.SoftwareInstallations.Count);
        var requests = document.Partitions.Where(p => p.TraceParent is not null && p.SoftwareReleaseUrl is not null)
            .ToLookup(p => p.SoftwareReleaseUrl!, p => p.TraceParent, StringComparer.Ordinal);
        foreach (var installation in document.SoftwareInstallations)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // One release serves every instance of it: its span is linked to each of their requests' traces.
            using var activity = SlaveTelemetry.StartLinkedToRequests("slapos.slave.software.install", requests[installation.SoftwareReleaseUrl]);
            activity?.SetTag("slapos.software_release", installation.SoftwareReleaseUrl);
            activity?.SetTag("slapos.supply_state", installation.RequestedState.ToWire());
            var outcome = await ProcessAsync(installation, progress, cancellationToken).ConfigureAwait(false);
            SlaveTelemetry.Record(activity, outcome);
            SlaveTelemetry.Items.Add(1, new("command", Command), new("status", outcome.Status.ToString()));
            outcomes.Add(outcome);
        }

        return NodeRunResult.FromOutcomes(outcomes);
    }

    private async Task<NodeItemOutcome> ProcessAsync(SoftwareInstallation installation, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var url = installation.SoftwareReleaseUrl;
        try
        {
            SlapReference.ValidateSoftwareReleaseUrl(url);
            layout.CheckLocalSoftware(url);
            var build = new SoftwareBuild(url, layout.SoftwareRoot);
            return installation.RequestedState == SupplyState.Destroyed
                ? await RemoveAsync(installation, build, progress, cancellationToken).ConfigureAwait(false)
                : await InstallAsync(installation, build, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not MasterUnreachableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var message = ex is SoftwareInstallerException installerError ? installerError.LogTail : ex.Message;
            logger.SoftwareFailed(url, ex);
            await ReportAsync(url, SoftwareInstallationState.Error, message, cancellationToken).ConfigureAwait(false);
            return new NodeItemOutcome(url, NodeItemStatus.Failed, message);
        }
    }

    private async Task<NodeItemOutcome> InstallAsync(SoftwareInstallation installation, SoftwareBuild build, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var url = installation.SoftwareReleaseUrl;
        if (File.Exists(build.CompletedMarker))
        {
            if (installation.ReportedState == SoftwareInstallationState.Available)
            {
                return new NodeItemOutcome(url, NodeItemStatus.Skipped, "already installed");
            }

            // Installed, but the master does not know yet (e.g. a report lost while offline).
            await master.ReportSoftwareInstallationAsync(layout.ComputerReference, url, SoftwareInstallationState.Available, null, cancellationToken).ConfigureAwait(false);
            return new NodeItemOutcome(url, NodeItemStatus.Done, "already installed; reported available");
        }

        progress?.Report(new NodeProgress(Command, url, "building"));
        logger.SoftwareBuilding(url);
        await master.ReportSoftwareInstallationAsync(layout.ComputerReference, url, SoftwareInstallationState.Building, null, cancellationToken).ConfigureAwait(false);
        var managed = new NodeManagerSoftware { ComputerReference = layout.ComputerReference, Build = build };
        await managers.BeforeSoftwareAsync(managed, cancellationToken).ConfigureAwait(false);
        await installer.InstallSoftwareAsync(build, cancellationToken).ConfigureAwait(false);
        await managers.AfterSoftwareAsync(managed, cancellationToken).ConfigureAwait(false);
        KillPoints.Reach("software.installed", url);
        await master.ReportSoftwareInstallationAsync(layout.ComputerReference, url, SoftwareInstallationState.Available, null, cancellationToken).ConfigureAwait(false);
        logger.SoftwareAvailable(url);
        return new NodeItemOutcome(url, NodeItemStatus.Done, "installed");
    }

    private async Task<NodeItemOutcome> RemoveAsync(SoftwareInstallation installation, SoftwareBuild build, IProgress<NodeProgress>? progress, CancellationToken cancellationToken)
    {
        var url = installation.SoftwareReleaseUrl;
        if (!Directory.Exists(build.InstallDirectory) && installation.ReportedState == SoftwareInstallationState.Destroyed)
        {
            return new NodeItemOutcome(url, NodeItemStatus.Skipped, "already removed");
        }

        progress?.Report(new NodeProgress(Command, url, "removing"));
        await installer.RemoveSoftwareAsync(build, cancellationToken).ConfigureAwait(false);
        await master.ReportSoftwareInstallationAsync(layout.ComputerReference, url, SoftwareInstallationState.Destroyed, null, cancellationToken).ConfigureAwait(false);
        logger.SoftwareRemoved(url);
        return new NodeItemOutcome(url, NodeItemStatus.Done, "removed");
    }

    private async Task ReportAsync(string url, SoftwareInstallationState state, string? message, CancellationToken cancellationToken)
    {
        try
        {
            await master.ReportSoftwareInstallationAsync(layout.ComputerReference, url, state, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not MasterUnreachableException and not OperationCanceledException)
        {
            logger.ReportFailed(url, ex);
        }
    }
}
