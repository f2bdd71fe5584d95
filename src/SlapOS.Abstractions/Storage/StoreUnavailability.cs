using System.Data.Common;
using System.Net.Sockets;

namespace SlapOS;

/// <summary>
/// The one rule for "the store cannot answer now": the database cannot be reached (connection refused or lost, no
/// primary, a transient error, SQLite busy or locked), did not answer in time (a timeout, a cancelled statement, a
/// wait cancelled by a timeout), or cannot write for want of space (<see cref="IsFull"/>). A master answers such a failure with 503 and <c>Retry-After</c>, never with a refusal
/// (403) nor a bare 500, wherever it happens: while authenticating the caller, checking a revocation, or serving the
/// request. Used by every part that tells a store failure from an answer, so that they agree.
/// </summary>
public static class StoreUnavailability
{
    /// <summary>Npgsql's message when a multi-host data source tried no host (each recently down or a standby).</summary>
    private const string NpgsqlNoSuitableHost = "No suitable host was found";

    /// <summary>SQLSTATE <c>query_canceled</c>: a statement timeout, or a cancellation sent for a command timeout.</summary>
    private const string QueryCanceled = "57014";

    /// <summary>SQLite's SQLITE_FULL: a write needed a page the file system could not give.</summary>
    private const int SqliteFull = 13;

    /// <summary>PostgreSQL's SQLSTATE disk_full.</summary>
    private const string PostgreSqlDiskFull = "53100";

    /// <summary>Linux errno values of a full file system (ENOSPC) and of an exhausted quota (EDQUOT), as .NET's IOException carries them.</summary>
    private const int Enospc = 28;
    private const int Edquot = 122;

    /// <summary>
    /// Whether <paramref name="exception"/> (or what caused it) says the store cannot answer now. A cancellation counts
    /// (a store call abandoned by its own timeout): the caller rules out a cancellation it asked for itself first.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        if (IsFull(exception))
        {
            return true;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException or TimeoutException or OperationCanceledException:
                    return true;
                // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), without a reference to its client library.
                case DbException db when SqliteErrorCode(db) is { } code:
                    return code is 5 or 6;
                // Npgsql and SqlClient say which of their errors are transient: lost connections, no primary,
                // a server shutting down or starting, deadlock victims beyond the store's own retries.
                case DbException { IsTransient: true }:
                    return true;
                case DbException { SqlState: QueryCanceled }:
                    return true;
                // Npgsql with several hosts, when it recently found each one down or not the primary (Host Recheck
                // Seconds) and so tried none: a failover under way, not marked transient (found by ReplicatedFailoverTests).
                case DbException db when db.GetType().Name == "NpgsqlException" && db.InnerException is null
                    && db.Message.StartsWith(NpgsqlNoSuitableHost, StringComparison.Ordinal):
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsUnavailable):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or what caused it) says the store's disk is full: SQLITE_FULL, PostgreSQL's
    /// disk_full, or a file write refused with ENOSPC or EDQUOT. Space freed, the next write succeeds.
    /// </summary>
    public static bool IsFull(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbException db when SqliteErrorCode(db) is { } code:
                    return code == SqliteFull;
                case DbException { SqlState: PostgreSqlDiskFull }:
                    return true;
                case IOException io when io.HResult is Enospc or Edquot:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsFull):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// SQLite's primary result code of a <c>SqliteException</c> (its <c>SqliteErrorCode</c>), or <see langword="null"/> for
    /// another exception. Read by name, so that no reference to SQLite's client library is needed; its
    /// <see cref="System.Runtime.InteropServices.ExternalException.ErrorCode"/> is not the SQLite code (it is E_FAIL).
    /// </summary>
    private static int? SqliteErrorCode(DbException exception) =>
        exception.GetType() is { Name: "SqliteException" } type && type.GetProperty("SqliteErrorCode")?.GetValue(exception) is int code ? code : null;
}
