using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;

namespace SlapOS.Providers.Storage.Sqlite;

/// <summary>
/// The embedded master store: one SQLite file in WAL mode. SQLite has one writer anyway, so writes
/// go through one connection and one writer loop that commits them in groups: each unit of work runs in
/// its own savepoint (a failure rolls back only itself) inside one <c>BEGIN IMMEDIATE</c> transaction,
/// and its caller is answered only after the commit (<c>synchronous=NORMAL</c> in WAL: durable without an
/// fsync per commit). Reads use pooled connections and run beside the writer (WAL).
/// </summary>
internal sealed class SqliteMasterStore : SqlMasterStore
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private const int MaxBatch = 256;
    private readonly List<(string? Computer, int Delta)> _pendingCandidateChanges = [];
    private readonly Channel<SqliteWrite> _writes = Channel.CreateUnbounded<SqliteWrite>();
    private readonly Task _writerLoop;
    private readonly Task _checkpointLoop;
    private readonly CancellationTokenSource _stopping = new();
    private SqliteConnection? _writer;
    private CandidateCache? _candidates;
    private int _disposed;

    private SqliteMasterStore(string connectionString, TimeProvider timeProvider)
        : base(SqliteFactory.Instance.CreateDataSource(connectionString), StoreSql.Sqlite, timeProvider)
    {
        _connectionString = connectionString;
        _writerLoop = Task.Run(RunWriterAsync);
        _checkpointLoop = Task.Run(RunCheckpointsAsync);
    }

    /// <summary>Opens (lazily) the store in the SQLite file at <paramref name="path"/>.</summary>
    public static SqliteMasterStore Open(string path, TimeProvider timeProvider) => new(ConnectionString(path), timeProvider);

    public override async ValueTask DisposeAsync()
    {
        // The container may dispose it twice: it is registered as the master store and as the identity store.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _writes.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        await _checkpointLoop.ConfigureAwait(false);
        _stopping.Dispose();
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

    protected override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new SqliteWrite<T>(work, cancellationToken);

        // Nobody waiting and the writer idle: commit on the caller's thread, without two thread hops.
        if (_writes.Reader.Count == 0 && !_stopping.IsCancellationRequested && _writeLock.Wait(0, CancellationToken.None))
        {
            return CommitInlineAsync(write);
        }

        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return write.Task;
    }

    private async Task<T> CommitInlineAsync<T>(SqliteWrite<T> write)
    {
        await CommitLockedAsync([write]).ConfigureAwait(false);
        return await write.Task.ConfigureAwait(false);
    }

    /// <summary>The writer loop: takes every waiting unit of work (up to a bound) and commits them together.</summary>
    private async Task RunWriterAsync()
    {
        while (await _writes.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<SqliteWrite>(Math.Min(MaxBatch, _writes.Reader.Count));
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            await _writeLock.WaitAsync().ConfigureAwait(false);
            await CommitLockedAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a batch in one transaction (the caller holds the write lock; this releases it), then answers its callers.</summary>
    private async Task CommitLockedAsync(List<SqliteWrite> batch)
    {
        var done = new List<SqliteWrite>(batch.Count);
        try
        {
            await RunBatchAsync(batch, done).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed batch fails its callers, never later writes.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The commit (or the connection) failed: nothing of the batch is durable.
            _candidates = null;
            foreach (var write in done)
            {
                write.Fail(e);
            }

            done.Clear();
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

        foreach (var write in done)
        {
            write.Commit();
        }
    }

    private async Task RunBatchAsync(List<SqliteWrite> batch, List<SqliteWrite> done)
    {
        var connection = _writer ??= await OpenWriterAsync(CancellationToken.None).ConfigureAwait(false);
        _pendingCandidateChanges.Clear();
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var write in batch)
        {
            if (write.CancellationToken.IsCancellationRequested)
            {
                write.Fail(new OperationCanceledException(write.CancellationToken));
                continue;
            }

            var mark = _pendingCandidateChanges.Count;
            transaction.Save("w");
            try
            {
                await write.RunAsync(Counted(connection), transaction).ConfigureAwait(false);
                transaction.Release("w");
                done.Add(write);
            }
#pragma warning disable CA1031 // Any failure of one unit of work is its caller's, not the batch's.
            catch (Exception e)
#pragma warning restore CA1031
            {
                transaction.Rollback("w");
                transaction.Release("w");
                _pendingCandidateChanges.RemoveRange(mark, _pendingCandidateChanges.Count - mark);
                write.Fail(e);
            }
        }

        transaction.Commit();
        ApplyCandidateChanges();
    }

    /// <summary>Allocation candidates from memory, reloaded when another connection changed the file.</summary>
    public override async Task<IReadOnlyList<AllocationCandidate>> ListAllocationCandidatesAsync(string softwareReleaseUrl, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = _writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            var dataVersion = await Counted(connection).ExecuteScalarAsync<long>("PRAGMA data_version").ConfigureAwait(false);
            if (_candidates is null || _candidates.DataVersion != dataVersion)
            {
                var computers = await Counted(connection).QueryAsync<ComputerRow>(Command("candidate.computers", null, null, cancellationToken)).ConfigureAwait(false);
                var installed = await Counted(connection).QueryAsync<(string, string)>(Command("candidate.installed", null, null, cancellationToken)).ConfigureAwait(false);
                _candidates = new CandidateCache(computers, installed) { DataVersion = dataVersion };
            }

            return _candidates.For(softwareReleaseUrl);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override void OnCandidatesChanged(string? computerReference, int freeDelta) => _pendingCandidateChanges.Add((computerReference, freeDelta));

    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>
    /// Checkpoints the WAL into the database file every second, off the writer's path (the writer's own
    /// automatic checkpoint is off: it would stall every write behind an fsync of the database file).
    /// </summary>
    private async Task RunCheckpointsAsync()
    {
        // Real time on purpose: a fake clock in tests must not stall checkpoints.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), TimeProvider.System);
        SqliteConnection? connection = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (_writer is null)
                {
                    continue;
                }

                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(_connectionString);
                        await connection.OpenAsync(_stopping.Token).ConfigureAwait(false);
                    }

                    await connection.ExecuteAsync("PRAGMA wal_checkpoint(PASSIVE)").ConfigureAwait(false);
                }
                catch (SqliteException)
                {
                    // Busy or locked: the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>After a commit (under the write lock): applies the recorded changes to the cached candidates.</summary>
    private void ApplyCandidateChanges()
    {
        foreach (var (computer, delta) in _pendingCandidateChanges)
        {
            if (computer is null || _candidates is null || !_candidates.Apply(computer, delta))
            {
                _candidates = null;
                break;
            }
        }

        _pendingCandidateChanges.Clear();
    }

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
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;").ConfigureAwait(false);
        return connection;
    }
}
