using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace SlapOS.Providers.Storage.Sqlite;

/// <summary>
/// The embedded master store: one SQLite file in WAL mode. Writes go through one connection
/// (SQLite has one writer anyway) under an in-process lock, each in a <c>BEGIN IMMEDIATE</c>
/// transaction with <c>synchronous=NORMAL</c>: durable at every commit but without an fsync
/// per commit. Reads use pooled connections and run beside the writer (WAL).
/// </summary>
internal sealed class SqliteMasterStore : SqlMasterStore
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private SqliteConnection? _writer;

    private SqliteMasterStore(string connectionString, TimeProvider timeProvider)
        : base(SqliteFactory.Instance.CreateDataSource(connectionString), StoreSql.Sqlite, timeProvider)
    {
        _connectionString = connectionString;
    }

    /// <summary>Opens (lazily) the store in the SQLite file at <paramref name="path"/>.</summary>
    public static SqliteMasterStore Open(string path, TimeProvider timeProvider) => new(ConnectionString(path), timeProvider);

    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }
        }
        finally
        {
            _writeLock.Release();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    private static string ConnectionString(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL persists in the file; synchronous=NORMAL is per connection and only this one writes.
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;").ConfigureAwait(false);
        return connection;
    }
}
