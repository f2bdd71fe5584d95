namespace SlapOS;

/// <summary>
/// How a node talks to a master (ours over the JSON API, or a real SlapOS master over the legacy
/// XML API). Implementations retry transient failures and throw <see cref="MasterUnreachableException"/>
/// when the master cannot be reached.
/// </summary>
public interface ISlapMasterClient
{
    /// <summary>The computer's document: supplied releases and partitions.</summary>
    Task<ComputerDocument> GetComputerDocumentAsync(string computerReference, CancellationToken cancellationToken);

    /// <summary>Uploads the computer's partitions (what <c>slapos node format</c> sends).</summary>
    Task ReportFormatAsync(ComputerFormat format, CancellationToken cancellationToken);

    /// <summary>Reports the install state of a release on the computer.</summary>
    Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, CancellationToken cancellationToken);

    /// <summary>Reports that a partition's instance was started, stopped or destroyed, or failed (<see cref="ReportedState.Error"/> with a message).</summary>
    Task ReportInstanceStateAsync(string computerReference, string partitionReference, ReportedState state, string? errorMessage, CancellationToken cancellationToken);

    /// <summary>Publishes connection parameters for a partition's instance, or for one of the shared instances it hosts.</summary>
    Task SetConnectionParametersAsync(string computerReference, string partitionReference, IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference, CancellationToken cancellationToken);

    /// <summary>Asks the master to reprocess the partition's whole instance tree.</summary>
    Task BangAsync(string computerReference, string partitionReference, string message, CancellationToken cancellationToken);

    /// <summary>Requests an instance; from a partition, a child of its instance.</summary>
    Task<SoftwareInstance> RequestInstanceAsync(InstanceRequest request, CancellationToken cancellationToken);

    /// <summary>Sends the computer's usage document.</summary>
    Task ReportUsageAsync(UsageReport report, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the master signals that something changed for the computer (a partition timestamp
    /// newer than <paramref name="since"/>, or a supply), or until <paramref name="timeout"/> passes.
    /// Clients with a long-poll or a cheap "changed since" call override it; the default just waits
    /// for the timeout and answers <see langword="false"/>, so a node still runs on its intervals.
    /// </summary>
    /// <returns><see langword="true"/> when the master signalled a change before the timeout.</returns>
    async Task<bool> WaitForChangeAsync(string computerReference, InstanceTimestamp? since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.Delay(timeout, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// The certificate and key of the instance in a partition, for its processes to call the master as
    /// that partition; <see langword="null"/> when the master has no certificate authority (it answers an
    /// empty pair). The default (a client that cannot ask) answers <see langword="null"/>.
    /// </summary>
    Task<CertificatePair?> GetPartitionCertificateAsync(string computerReference, string partitionReference, CancellationToken cancellationToken) =>
        Task.FromResult<CertificatePair?>(null);

    /// <summary>
    /// A new certificate and key for the computer (what the node asks for before its certificate expires,
    /// presenting the current one); <see langword="null"/> when the master has no certificate authority.
    /// The default (a client that cannot ask, e.g. the legacy XML API) answers <see langword="null"/>.
    /// </summary>
    Task<CertificatePair?> RenewComputerCertificateAsync(string computerReference, CancellationToken cancellationToken) =>
        Task.FromResult<CertificatePair?>(null);
}
