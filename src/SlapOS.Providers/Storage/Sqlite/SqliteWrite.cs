using System.Data.Common;

namespace SlapOS.Providers.Storage.Sqlite;

/// <summary>One unit of work waiting for the SQLite writer: run in its own savepoint, completed after the batch commits.</summary>
internal abstract class SqliteWrite
{
    public abstract CancellationToken CancellationToken { get; }

    public abstract Task RunAsync(DbConnection connection, DbTransaction transaction);

    public abstract void Commit();

    public abstract void Fail(Exception exception);
}

/// <summary>A unit of work with its result.</summary>
internal sealed class SqliteWrite<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) : SqliteWrite
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Task => _completion.Task;

    public override CancellationToken CancellationToken => cancellationToken;

    public override async Task RunAsync(DbConnection connection, DbTransaction transaction) =>
        _result = await work(connection, transaction).ConfigureAwait(false);

    public override void Commit() => _completion.TrySetResult(_result);

    public override void Fail(Exception exception)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }
    }
}
