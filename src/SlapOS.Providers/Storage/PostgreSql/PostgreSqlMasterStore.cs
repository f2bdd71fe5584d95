using System.Data.Common;
using Npgsql;

namespace SlapOS.Providers.Storage.PostgreSql;

/// <summary>
/// The master store on PostgreSQL: several master processes may share one database. Partitions are
/// taken with <c>FOR UPDATE SKIP LOCKED</c> behind a conditional update of the computer's free count;
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
        WriteRetryingAsync(work, e => e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }, cancellationToken);

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
