using System.Data.Common;
using Dapper;
using Npgsql;

namespace SlapOS.Providers.Storage.PostgreSql;

/// <summary>
/// The master store on PostgreSQL: several master processes may share one database. A partition is
/// taken in one statement (<c>allocation.reserve</c>, one round trip): <c>FOR UPDATE SKIP LOCKED</c> on the
/// partition, then a conditional update of the computer's free count;
/// migrations run under an advisory lock. Change stamps travel between masters by <c>NOTIFY</c>, sent in the
/// changing transaction and delivered at its commit, to one <c>LISTEN</c> connection per master.
/// </summary>
internal sealed class PostgreSqlMasterStore(string connectionString, TimeProvider timeProvider)
    : SqlMasterStore(NpgsqlDataSource.Create(WithAutoPrepare(connectionString)), StoreSql.PostgreSql, timeProvider)
{
    /// <summary>The channel <c>change.bump</c> notifies, with the computer's reference as payload.</summary>
    private const string ChangeChannel = "slapos_computer_changes";

    /// <summary>How long the listener waits for a notification before it checks its connection is alive.</summary>
    private static readonly TimeSpan ListenPing = TimeSpan.FromSeconds(5);

    /// <summary>The first and the longest pause before the listener connects again.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100), LongestRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One connection, outside the pool, <c>LISTEN</c>s (on the primary: with a multi-host connection string the
    /// target session attributes choose it; a promoted standby is found on reconnection). When the connection is
    /// lost it connects again with a growing pause, then wakes everyone: a signal may have been missed meanwhile.
    /// </summary>
    protected override async Task ListenAcrossMastersAsync(Action<string?> changed, CancellationToken cancellationToken)
    {
        var listenerString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, MaxAutoPrepare = 0 }.ConnectionString;
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenerString);
                connection.Notification += (_, e) => changed(e.Payload);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand("LISTEN " + ChangeChannel, connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                changed(null);
                retry = FirstRetry;
                while (true)
                {
                    if (!await connection.WaitAsync(ListenPing, cancellationToken).ConfigureAwait(false))
                    {
                        // Quiet for a while: prove the connection (and the primary) are still there.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
#pragma warning disable CA1031 // Lost the database: connect again after a pause, whatever the error was.
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                await Task.Delay(retry, TimeProvider, cancellationToken).ConfigureAwait(false);
                retry = retry * 2 < LongestRetry ? retry * 2 : LongestRetry;
            }
        }
    }

    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WriteRetryingAsync(work, RolledBackWhole, cancellationToken);

    /// <summary>
    /// One round trip: <c>allocation.reserve</c> picks a free partition, takes the computer's free count, moves its
    /// change stamp (and notifies), marks the partition busy and inserts the instance in one statement, committed on
    /// its own; no row back is a lost race with nothing written. A deadlock victim (a format of the same computer
    /// at the same moment) runs again, as a write transaction would.
    /// </summary>
    public override async Task<SoftwareInstance?> TryReservePartitionAsync(string computerReference, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var row = InstanceRow.From(instance with { ComputerReference = computerReference, PartitionReference = null, HostInstanceReference = null, Version = 0 });
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                string? partition;
                await using (var c = await OpenAsync(cancellationToken).ConfigureAwait(false))
                {
                    partition = await c.QueryFirstOrDefaultAsync<string>(Command("allocation.reserve", row, null, cancellationToken)).ConfigureAwait(false);
                }

                if (partition is null)
                {
                    return null;
                }

                // The statement moved the stamp and notified other masters: only this process's listeners are left.
                SignalCommitted([computerReference]);
                return instance with { ComputerReference = computerReference, PartitionReference = partition, HostInstanceReference = null, Version = 0 };
            }
            catch (PostgresException e) when (attempt < MaxWriteAttempts && RolledBackWhole(e))
            {
                // Rolled back whole: safe to run again.
            }
            catch (PostgresException e) when (IsUniqueViolation(e))
            {
                throw DuplicateTitle(instance, e);
            }
        }
    }

    private static bool RolledBackWhole(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <summary>The store runs the same few statements all the time: let Npgsql prepare them on the server unless told otherwise.</summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;
    }

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
