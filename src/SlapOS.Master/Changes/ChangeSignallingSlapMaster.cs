namespace SlapOS.Master.Changes;

/// <summary>
/// The engine, with every change that a node must apply signalled to the nodes waiting on the
/// computers concerned (see <see cref="ComputerChangeNotifier"/>). Reads pass straight through.
/// </summary>
internal sealed class ChangeSignallingSlapMaster(SlapMaster inner, ComputerChangeNotifier notifier) : ISlapMaster
{
    public async Task<SoftwareInstance> RequestAsync(InstanceRequest request, CancellationToken cancellationToken)
    {
        var instance = await inner.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        notifier.Signal(instance.ComputerReference);
        if (request.State != RequestedState.Started)
        {
            // A stopped or destroyed root carries its whole tree with it.
            await SignalTreeAsync(instance.RootReference, cancellationToken).ConfigureAwait(false);
        }

        return instance;
    }

    public async Task SupplyAsync(string computerReference, string softwareReleaseUrl, SupplyState state, CancellationToken cancellationToken)
    {
        await inner.SupplyAsync(computerReference, softwareReleaseUrl, state, cancellationToken).ConfigureAwait(false);
        notifier.Signal(computerReference);
    }

    public async Task BangAsync(string computerReference, string partitionReference, string? message, CancellationToken cancellationToken)
    {
        await inner.BangAsync(computerReference, partitionReference, message, cancellationToken).ConfigureAwait(false);
        var instance = await inner.GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        await SignalTreeAsync(instance.RootReference, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SoftwareInstance> RenameAsync(string computerReference, string partitionReference, string newTitle, CancellationToken cancellationToken)
    {
        var renamed = await inner.RenameAsync(computerReference, partitionReference, newTitle, cancellationToken).ConfigureAwait(false);
        notifier.Signal(computerReference);
        return renamed;
    }

    public async Task ReportDestroyedAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        await inner.ReportDestroyedAsync(computerReference, partitionReference, cancellationToken).ConfigureAwait(false);
        notifier.Signal(computerReference);
    }

    private async Task SignalTreeAsync(string rootReference, CancellationToken cancellationToken)
    {
        var computers = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var member in inner.ListInstancesAsync(new InstanceQuery { RootReference = rootReference }, cancellationToken).ConfigureAwait(false))
        {
            if (member.ComputerReference is { } computer && computers.Add(computer))
            {
                notifier.Signal(computer);
            }
        }
    }

    public Task<Computer> RegisterComputerAsync(Computer computer, CancellationToken cancellationToken) => inner.RegisterComputerAsync(computer, cancellationToken);

    public Task<Computer> GetComputerAsync(string computerReference, CancellationToken cancellationToken) => inner.GetComputerAsync(computerReference, cancellationToken);

    public IAsyncEnumerable<Computer> ListComputersAsync(CancellationToken cancellationToken) => inner.ListComputersAsync(cancellationToken);

    public Task<FormatResult> FormatComputerAsync(ComputerFormat format, CancellationToken cancellationToken) => inner.FormatComputerAsync(format, cancellationToken);

    public Task<IReadOnlyList<ComputerPartition>> ListPartitionsAsync(string computerReference, CancellationToken cancellationToken) => inner.ListPartitionsAsync(computerReference, cancellationToken);

    public Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken) =>
        inner.ReportSoftwareInstallationAsync(computerReference, softwareReleaseUrl, state, errorMessage, cancellationToken);

    public Task<IReadOnlyList<SoftwareInstallation>> ListSoftwareInstallationsAsync(string computerReference, CancellationToken cancellationToken) => inner.ListSoftwareInstallationsAsync(computerReference, cancellationToken);

    public Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken) => inner.GetComputerDocumentAsync(computerReference, cancellationToken);

    public Task<SoftwareInstance> GetInstanceAsync(string instanceReference, CancellationToken cancellationToken) => inner.GetInstanceAsync(instanceReference, cancellationToken);

    public Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, CancellationToken cancellationToken) => inner.FindInstanceAsync(requesterReference, title, cancellationToken);

    public Task<SoftwareInstance> GetPartitionInstanceAsync(string computerReference, string partitionReference, CancellationToken cancellationToken) => inner.GetPartitionInstanceAsync(computerReference, partitionReference, cancellationToken);

    public Task<InstanceTree> GetInstanceTreeAsync(string instanceReference, CancellationToken cancellationToken) => inner.GetInstanceTreeAsync(instanceReference, cancellationToken);

    public IAsyncEnumerable<SoftwareInstance> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken) => inner.ListInstancesAsync(query, cancellationToken);

    public Task PublishConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken) =>
        inner.PublishConnectionParametersAsync(computerReference, partitionReference, parameters, sharedInstanceReference, cancellationToken);

    public Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken) =>
        inner.ReportInstanceStateAsync(computerReference, partitionReference, state, errorMessage, cancellationToken);

    public Task RecordUsageAsync(UsageReport report, CancellationToken cancellationToken) => inner.RecordUsageAsync(report, cancellationToken);

    public IAsyncEnumerable<UsageRecord> ListUsageAsync(string? computerReference, DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken) =>
        inner.ListUsageAsync(computerReference, periodStart, periodEnd, cancellationToken);
}
