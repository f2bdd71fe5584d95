namespace SlapOS.Providers.Storage.Counting;

/// <summary>
/// What a store sent to its database and read back: statements executed and rows read (each row a reader
/// returned, each non-null scalar). Set on a store (<see cref="SqlMasterStore.ReadCounter"/>) to prove that a
/// request path costs the same whatever the size of the computer it lands on.
/// </summary>
internal sealed class StoreReadCounter
{
    private long _statements;
    private long _rows;

    public long Statements => Interlocked.Read(ref _statements);

    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Both counts, to compare two runs at once.</summary>
    public (long Statements, long Rows) Snapshot() => (Statements, Rows);

    public void Reset()
    {
        Interlocked.Exchange(ref _statements, 0);
        Interlocked.Exchange(ref _rows, 0);
    }

    internal void Statement() => Interlocked.Increment(ref _statements);

    internal void Row() => Interlocked.Increment(ref _rows);
}
