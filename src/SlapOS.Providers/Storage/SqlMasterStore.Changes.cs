using System.Data.Common;
using Dapper;

namespace SlapOS.Providers.Storage;

/// <summary>
/// Change stamps: the store moves a computer's stamp in the same transaction as a change its node must apply,
/// tells this process's listeners once the transaction commits, and other processes through
/// <see cref="ListenAcrossMastersAsync"/> (polling here; PostgreSQL overrides it with LISTEN/NOTIFY).
/// </summary>
internal abstract partial class SqlMasterStore
{
    /// <summary>How often a master polls for changes made by other masters (SQLite, SQL Server): the documented 250 ms.</summary>
    public static readonly TimeSpan ChangePollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _listenersLock = new();
    private Action<string?>[] _listeners = [];

    public async Task<SchemaVersion> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await c.ExecuteAsync(Command("schema.create", null, null, cancellationToken)).ConfigureAwait(false);
        var applied = await c.ExecuteScalarAsync<long>(Command("schema.current", null, null, cancellationToken)).ConfigureAwait(false);
        return new SchemaVersion(applied, Sql.LatestVersion);
    }

    public async Task<long> GetChangeStampAsync(string computerReference, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long?>(Command("change.stamp", new { Computer = computerReference }, null, cancellationToken)).ConfigureAwait(false) ?? 0;
    }

    public async Task RunAsync(Action<string?> changed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_listenersLock)
        {
            _listeners = [.. _listeners, changed];
        }

        try
        {
            await ListenAcrossMastersAsync(changed, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_listenersLock)
            {
                _listeners = [.. _listeners.Where(l => l != changed)];
            }
        }
    }

    /// <summary>
    /// Learns of changes committed by other processes until cancelled: polls <c>change_stamp &gt; last seen</c> every
    /// <see cref="ChangePollInterval"/> (stamps follow commit order in SQLite and SQL Server). After the store was
    /// unreachable, everyone is woken once it answers again, to re-check.
    /// </summary>
    protected virtual async Task ListenAcrossMastersAsync(Action<string?> changed, CancellationToken cancellationToken)
    {
        long? seen = null;
        using var timer = new PeriodicTimer(ChangePollInterval, TimeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await using var c = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (seen is not { } since)
                {
                    seen = await c.ExecuteScalarAsync<long>(Command("change.latest", null, null, cancellationToken)).ConfigureAwait(false);
                    changed(null);
                    continue;
                }

                foreach (var (computer, stamp) in await c.QueryAsync<(string, long)>(Command("change.since", new { Since = since }, null, cancellationToken)).ConfigureAwait(false))
                {
                    changed(computer);
                    seen = Math.Max(seen.Value, stamp);
                }
            }
#pragma warning disable CA1031 // The store is lost for now: poll again, and wake everyone once it answers.
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                seen = null;
            }
        }
    }

    /// <summary>Runs a write that may move change stamps; the computers it moved are signalled once it has committed.</summary>
    protected async Task<T> WriteChangingAsync<T>(Func<DbConnection, DbTransaction, HashSet<string>, Task<T>> work, CancellationToken cancellationToken)
    {
        HashSet<string> changes = new(StringComparer.Ordinal);
        var result = await WriteAsync((c, tx) =>
        {
            // A unit of work that runs again (a deadlock victim) starts from nothing.
            changes = new(StringComparer.Ordinal);
            return work(c, tx, changes);
        }, cancellationToken).ConfigureAwait(false);
        SignalCommitted(changes);
        return result;
    }

    /// <summary>Tells this process's listeners that the stamps of <paramref name="computers"/> moved in a committed write.</summary>
    protected void SignalCommitted(IEnumerable<string> computers)
    {
        ArgumentNullException.ThrowIfNull(computers);
        var listeners = _listeners;
        foreach (var computer in computers)
        {
            foreach (var listener in listeners)
            {
                listener(computer);
            }
        }
    }

    /// <summary>Moves a computer's change stamp inside the current transaction.</summary>
    protected async Task BumpAsync(DbConnection connection, DbTransaction transaction, HashSet<string> changes, string computerReference, CancellationToken cancellationToken)
    {
        if (changes.Add(computerReference))
        {
            await connection.ExecuteAsync(Command("change.bump", new { Computer = computerReference }, transaction, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An updated instance moves its computer's stamp when its timestamp moved (its node must reprocess it); a root
    /// whose requested state changed moves every computer of its tree (children take a non-started root's state).
    /// Reports, connection parameters and other changes that leave the timestamp alone move nothing, so a node's own
    /// report never wakes it up.
    /// </summary>
    private async Task BumpUpdatedAsync(DbConnection c, DbTransaction tx, HashSet<string> changes, InstanceChangeRow before, SoftwareInstance after, CancellationToken cancellationToken)
    {
        if (before.TimestampUs != after.Timestamp.Microseconds && before.ComputerReference is { } computer)
        {
            await BumpAsync(c, tx, changes, computer, cancellationToken).ConfigureAwait(false);
        }

        if (before.RootReference == after.Reference && before.RequestedState != after.RequestedState.ToWire())
        {
            // In reference order: two writers lock the same computers in the same order.
            foreach (var member in await c.QueryAsync<string>(Command("instance.tree-computers", new { Root = after.Reference }, tx, cancellationToken)).ConfigureAwait(false))
            {
                await BumpAsync(c, tx, changes, member, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
