namespace SlapOS;

/// <summary>
/// The record of requests forwarded to external masters (schema version 4), kept by the master store next to
/// its instances so that a forwarded instance and its record are written in one transaction.
/// </summary>
public interface IForwardedInstanceStore
{
    /// <summary>
    /// Inserts a forwarded instance (no local partition) and its record in one transaction.
    /// </summary>
    /// <exception cref="SlapException">Kind <see cref="SlapErrorKind.Conflict"/> when another request created the same (requester, title) first.</exception>
    Task InsertForwardedInstanceAsync(SoftwareInstance instance, ForwardedInstance forwarded, CancellationToken cancellationToken);

    /// <summary>The record of a forwarded instance, or <see langword="null"/> when the instance lives here.</summary>
    Task<ForwardedInstance?> GetForwardedInstanceAsync(string instanceReference, CancellationToken cancellationToken);

    /// <summary>Replaces the record (what the external master last said, or why it could not be reached).</summary>
    Task UpdateForwardedInstanceAsync(ForwardedInstance forwarded, CancellationToken cancellationToken);

    /// <summary>Deletes a forwarded instance and its record (its destruction was accepted by the external master).</summary>
    Task DeleteForwardedInstanceAsync(string instanceReference, CancellationToken cancellationToken);

    /// <summary>Every record, by instance reference.</summary>
    IAsyncEnumerable<ForwardedInstance> ListForwardedInstancesAsync(CancellationToken cancellationToken);
}
