using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace SlapOS.Providers.Storage.SqlServer;

/// <summary>
/// The master store on SQL Server: several master processes may share one database. Partitions are taken
/// with <c>UPDATE … WITH (UPDLOCK, READPAST, ROWLOCK)</c> behind a conditional update of the computer's free
/// count; migrations run under <c>sp_getapplock</c>; a unit of work chosen as a deadlock victim runs again.
/// </summary>
internal sealed class SqlServerMasterStore(string connectionString, TimeProvider timeProvider)
    : SqlMasterStore(SqlClientFactory.Instance.CreateDataSource(connectionString), Scripts, timeProvider)
{
    /// <summary>SQL Server error numbers: deadlock victim, duplicate key in a unique index, in a unique constraint.</summary>
    private const int Deadlock = 1205, DuplicateKeyInIndex = 2601, DuplicateKeyInConstraint = 2627;

    /// <summary>The scripts, embedded in this assembly under the shared resource names.</summary>
    internal static StoreSql Scripts { get; } = StoreSql.Load(typeof(SqlServerMasterStore).Assembly, "SqlServer");

    /// <summary>The unique index holds the title's SHA-256: naming it lets the lookup seek instead of scanning the requester's instances.</summary>
    protected override string TitleFilter =>
        " WHERE requester_reference = @Requester AND title_hash = CAST(HASHBYTES('SHA2_256', CAST(@Title AS NVARCHAR(1024))) AS BINARY(32)) AND title = @Title";

    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WriteRetryingAsync(work, e => e is SqlException sql && IsDeadlock(sql), cancellationToken);

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqlException e && e.Errors.Cast<SqlError>().Any(error => error.Number is DuplicateKeyInIndex or DuplicateKeyInConstraint);

    internal static bool IsDeadlock(SqlException exception) =>
        exception.Errors.Cast<SqlError>().Any(error => error.Number == Deadlock);
}
