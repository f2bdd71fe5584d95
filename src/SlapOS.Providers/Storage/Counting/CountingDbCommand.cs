using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace SlapOS.Providers.Storage.Counting;

/// <summary>A command that counts itself once per execution and the rows its reader or scalar returns.</summary>
internal sealed class CountingDbCommand(DbCommand inner, StoreReadCounter counter, DbConnection connection) : DbCommand
{
    [AllowNull]
    public override string CommandText
    {
        get => inner.CommandText;
        set => inner.CommandText = value;
    }

    public override int CommandTimeout
    {
        get => inner.CommandTimeout;
        set => inner.CommandTimeout = value;
    }

    public override CommandType CommandType
    {
        get => inner.CommandType;
        set => inner.CommandType = value;
    }

    public override bool DesignTimeVisible
    {
        get => inner.DesignTimeVisible;
        set => inner.DesignTimeVisible = value;
    }

    public override UpdateRowSource UpdatedRowSource
    {
        get => inner.UpdatedRowSource;
        set => inner.UpdatedRowSource = value;
    }

    protected override DbConnection? DbConnection
    {
        get => connection;
        set => throw new NotSupportedException("a counting command stays on its connection");
    }

    protected override DbParameterCollection DbParameterCollection => inner.Parameters;

    protected override DbTransaction? DbTransaction
    {
        get => inner.Transaction;
        set => inner.Transaction = value;
    }

    public override void Cancel() => inner.Cancel();

    public override void Prepare() => inner.Prepare();

    public override Task PrepareAsync(CancellationToken cancellationToken = default) => inner.PrepareAsync(cancellationToken);

    protected override DbParameter CreateDbParameter() => inner.CreateParameter();

    public override int ExecuteNonQuery()
    {
        counter.Statement();
        return inner.ExecuteNonQuery();
    }

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        counter.Statement();
        return inner.ExecuteNonQueryAsync(cancellationToken);
    }

    public override object? ExecuteScalar()
    {
        counter.Statement();
        return Counted(inner.ExecuteScalar());
    }

    public override async Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        counter.Statement();
        return Counted(await inner.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
    {
        counter.Statement();
        return new CountingDbDataReader(inner.ExecuteReader(behavior), counter);
    }

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        counter.Statement();
        return new CountingDbDataReader(await inner.ExecuteReaderAsync(behavior, cancellationToken).ConfigureAwait(false), counter);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private object? Counted(object? value)
    {
        if (value is not null and not DBNull)
        {
            counter.Row();
        }

        return value;
    }
}
