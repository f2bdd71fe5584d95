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
    : SqlMasterStore(NpgsqlDataSource.Create(connectionString), StoreSql.PostgreSql, timeProvider)
{
    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
