using System.Data;
using System.Data.Common;
using Npgsql;

namespace SlapOS.Providers.Storage.PostgreSql;

/// <summary>
/// The master store on PostgreSQL: several master processes may share one database. Partitions are
/// taken with <c>FOR UPDATE SKIP LOCKED</c> behind a conditional update of the computer's free count;
/// migrations run under an advisory lock.
/// </summary>
internal sealed class PostgreSqlMasterStore(string connectionString, TimeProvider timeProvider)
    : SqlMasterStore(NpgsqlDataSource.Create(WithAutoPrepare(connectionString)), StoreSql.PostgreSql, timeProvider)
{
    private const int MaxAttempts = 5;

    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxAttempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Rolled back whole: the unit of work is safe to run again.
            }
        }
    }

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
