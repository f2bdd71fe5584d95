using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using SlapOS.Providers.Storage.Counting;

namespace SlapOS.Providers.Storage;

/// <summary>
/// The master store over any <see cref="DbDataSource"/> with Dapper; the dialects differ only by their
/// SQL resources, how a write transaction is taken and how a unique violation is recognized.
/// </summary>
internal abstract partial class SqlMasterStore : IMasterStore, IIdentityStore, IComputerChangeFeed, IAsyncDisposable
{
    static SqlMasterStore()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    protected SqlMasterStore(DbDataSource dataSource, StoreSql sql, TimeProvider timeProvider)
    {
        DataSource = dataSource;
        Sql = sql;
        TimeProvider = timeProvider;
    }

    protected DbDataSource DataSource { get; }

    protected StoreSql Sql { get; }

    protected TimeProvider TimeProvider { get; }

    /// <summary>
    /// When set, every statement this store runs and every row it reads back are counted (a diagnostic hook: tests
    /// prove with it that a request path reads as much on a computer of 300 partitions as on one of 10).
    /// </summary>
    internal StoreReadCounter? ReadCounter { get; set; }

    /// <summary>A pooled connection for a read, counted when <see cref="ReadCounter"/> is set.</summary>
    protected async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return ReadCounter is { } counter ? new CountingDbConnection(connection, counter, ownsInner: true) : connection;
    }

    /// <summary>The connection a unit of work runs on (the dialect still owns it), counted when <see cref="ReadCounter"/> is set.</summary>
    protected DbConnection Counted(DbConnection connection) =>
        ReadCounter is { } counter ? new CountingDbConnection(connection, counter, ownsInner: false) : connection;

    /// <summary>How many times <see cref="WriteRetryingAsync"/> runs a unit of work the server rolled back whole.</summary>
    protected const int MaxWriteAttempts = 5;

    /// <summary>Runs <paramref name="work"/> in one write transaction, committed when it returns, rolled back when it throws.</summary>
    protected abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one read-committed transaction and commits it; a unit of work the server rolled back
    /// whole (<paramref name="rolledBackWhole"/>: a deadlock victim, a serialization failure) is safe to run again, up to
    /// five attempts. The one retry loop of the server dialects.
    /// </summary>
    protected async Task<T> WriteRetryingAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, Func<DbException, bool> rolledBackWhole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(rolledBackWhole);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                var result = await work(Counted(connection), transaction).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (DbException e) when (attempt < MaxWriteAttempts && rolledBackWhole(e))
            {
                // Rolled back whole: the unit of work is safe to run again.
            }
        }
    }

    /// <summary>Whether the error is a unique-constraint violation.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    /// <summary>
    /// The filter that finds an instance by <c>@Requester</c> and <c>@Title</c>; a dialect whose index cannot
    /// hold a whole title (SQL Server) adds the indexed form of the title.
    /// </summary>
    protected virtual string TitleFilter => " WHERE requester_reference = @Requester AND title = @Title";

    public virtual ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <summary>
    /// Called inside a write transaction when what allocation candidates show changes: a computer's free
    /// count moved by <paramref name="freeDelta"/>, or (<paramref name="computerReference"/> null) anything.
    /// Takes effect only if the transaction commits. A store that caches candidates overrides it.
    /// </summary>
    protected virtual void OnCandidatesChanged(string? computerReference, int freeDelta)
    {
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(async (c, tx) =>
        {
            await c.ExecuteAsync(Command("schema.lock", null, tx, cancellationToken)).ConfigureAwait(false);
            await c.ExecuteAsync(Command("schema.create", null, tx, cancellationToken)).ConfigureAwait(false);
            var current = await c.ExecuteScalarAsync<long>(Command("schema.current", null, tx, cancellationToken)).ConfigureAwait(false);
            if (current > Sql.LatestVersion)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The SlapOS master database is at schema version {current}, newer than this SlapOS ({Sql.LatestVersion}); refusing to downgrade. Upgrade SlapOS or restore a matching backup."));
            }

            OnCandidatesChanged(null, 0);
            foreach (var (version, _, script) in Sql.Migrations.Where(m => m.Version > current))
            {
                await c.ExecuteAsync(new CommandDefinition(script, null, tx, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await c.ExecuteAsync(Command("schema.record", new { Version = (long)version, AppliedAt = StoreWords.Micros(TimeProvider.GetUtcNow()) }, tx, cancellationToken)).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task UpsertComputerAsync(Computer computer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(computer);
        return WriteAsync((c, tx) =>
        {
            OnCandidatesChanged(null, 0);
            return c.ExecuteAsync(Command("computer.upsert", ComputerRow.Parameters(computer), tx, cancellationToken));
        }, cancellationToken);
    }

    public async Task<Computer?> GetComputerAsync(string computerReference, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QueryFirstOrDefaultAsync<ComputerRow>(Command(Sql["computer.select"] + " WHERE reference = @Reference", new { Reference = computerReference }, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToComputer();
    }

    public async IAsyncEnumerable<Computer> ListComputersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<ComputerRow>(Command(Sql["computer.select"] + " ORDER BY reference", null, null, cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row.ToComputer();
        }
    }

    public Task TouchComputerAsync(string computerReference, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) => c.ExecuteAsync(Command("computer.touch", new { Reference = computerReference, At = StoreWords.Micros(at) }, tx, cancellationToken)), cancellationToken);

    public Task<FormatResult> ApplyFormatAsync(ComputerFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(format);
        return WriteAsync(async (c, tx) =>
        {
            // The computer row first: every writer locks computer, then partitions (no lock-order cycle).
            await c.ExecuteAsync(Command("computer.ensure", new { Reference = format.ComputerReference, format.Address, format.Netmask }, tx, cancellationToken)).ConfigureAwait(false);
            var existing = (await c.QueryAsync<PartitionRow>(Command("partition.list", new { Computer = format.ComputerReference }, tx, cancellationToken)).ConfigureAwait(false))
                .ToDictionary(p => p.Reference, StringComparer.Ordinal);
            List<string> added = [], updated = [], removed = [], keptBusy = [];
            var uploaded = new HashSet<string>(StringComparer.Ordinal);
            foreach (var partition in format.Partitions)
            {
                uploaded.Add(partition.Reference);
                var addresses = StoreJson.Write(partition.Addresses);
                var tap = partition.Tap is null ? null : StoreJson.Write(partition.Tap);
                var args = new { Computer = format.ComputerReference, partition.Reference, Addresses = addresses, Tap = tap };
                if (!existing.TryGetValue(partition.Reference, out var row))
                {
                    await c.ExecuteAsync(Command("partition.insert", args, tx, cancellationToken)).ConfigureAwait(false);
                    added.Add(partition.Reference);
                }
                else if (row.Addresses != addresses || row.Tap != tap)
                {
                    await c.ExecuteAsync(Command("partition.update", args, tx, cancellationToken)).ConfigureAwait(false);
                    updated.Add(partition.Reference);
                }
            }

            foreach (var row in existing.Values.Where(r => !uploaded.Contains(r.Reference)).OrderBy(r => r.Reference, StringComparer.Ordinal))
            {
                var deleted = await c.ExecuteAsync(Command("partition.delete-free", new { Computer = format.ComputerReference, row.Reference }, tx, cancellationToken)).ConfigureAwait(false);
                (deleted > 0 ? removed : keptBusy).Add(row.Reference);
            }

            await c.ExecuteAsync(Command("computer.recount", new { Reference = format.ComputerReference }, tx, cancellationToken)).ConfigureAwait(false);
            OnCandidatesChanged(null, 0);
            return new FormatResult(added, updated, removed, keptBusy);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ComputerPartition>> ListPartitionsAsync(string computerReference, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<PartitionRow>(Command("partition.list", new { Computer = computerReference }, null, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToPartition())];
    }

    public async Task<ComputerPartition?> GetPartitionAsync(string computerReference, string partitionReference, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QueryFirstOrDefaultAsync<PartitionRow>(Command("partition.get", new { Computer = computerReference, Reference = partitionReference }, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToPartition();
    }

    public Task SetSupplyAsync(string computerReference, string softwareReleaseUrl, SupplyState state, CancellationToken cancellationToken) =>
        WriteChangingAsync(async (c, tx, changes) =>
        {
            await c.ExecuteAsync(Command("supply.set", new { Computer = computerReference, Url = softwareReleaseUrl, State = state.ToWire() }, tx, cancellationToken)).ConfigureAwait(false);
            await BumpAsync(c, tx, changes, computerReference, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task ReportSoftwareInstallationAsync(string computerReference, string softwareReleaseUrl, SoftwareInstallationState state, string? errorMessage, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteChangingAsync(async (c, tx, changes) =>
        {
            OnCandidatesChanged(null, 0);
            // A report of a release never supplied adds it to the node's software list, and one of a release removed
            // takes it off: the list's ETag follows the stamp, so both move it (other reports leave the list alone).
            var supplies = await c.QueryAsync<SupplyRow>(Command("supply.list", new { Computer = computerReference }, tx, cancellationToken)).ConfigureAwait(false);
            var listChanges = state == SoftwareInstallationState.Destroyed || !supplies.Any(s => s.SoftwareReleaseUrl == softwareReleaseUrl);
            var reported = await c.ExecuteAsync(Command("supply.report", new { Computer = computerReference, Url = softwareReleaseUrl, State = state.ToWire(), Error = errorMessage, At = StoreWords.Micros(at) }, tx, cancellationToken)).ConfigureAwait(false);
            if (listChanges)
            {
                await BumpAsync(c, tx, changes, computerReference, cancellationToken).ConfigureAwait(false);
            }

            return reported;
        }, cancellationToken);

    public async Task<IReadOnlyList<SoftwareInstallation>> ListSoftwareInstallationsAsync(string computerReference, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<SupplyRow>(Command("supply.list", new { Computer = computerReference }, null, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToInstallation())];
    }

    // With a shared and an ordinary instance of one title, the ordinary one.
    public Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, CancellationToken cancellationToken) =>
        QueryInstanceAsync(TitleFilter + " ORDER BY shared", new { Requester = requesterReference, Title = title }, cancellationToken);

    public Task<SoftwareInstance?> FindInstanceAsync(string requesterReference, string title, bool isShared, CancellationToken cancellationToken) =>
        QueryInstanceAsync(TitleFilter + " AND shared = @Shared", new { Requester = requesterReference, Title = title, Shared = isShared ? 1L : 0L }, cancellationToken);

    public Task<SoftwareInstance?> GetInstanceAsync(string instanceReference, CancellationToken cancellationToken) =>
        QueryInstanceAsync(" WHERE reference = @Reference", new { Reference = instanceReference }, cancellationToken);

    public Task<SoftwareInstance?> GetPartitionInstanceAsync(string computerReference, string partitionReference, CancellationToken cancellationToken) =>
        QueryInstanceAsync(" WHERE computer_reference = @Computer AND partition_reference = @Partition AND shared = 0", new { Computer = computerReference, Partition = partitionReference }, cancellationToken);

    public async IAsyncEnumerable<SoftwareInstance> ListInstancesAsync(InstanceQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder();
        var args = new DynamicParameters();
        Add("computer_reference", "Computer", query.ComputerReference);
        Add("partition_reference", "Partition", query.PartitionReference);
        Add("root_reference", "Root", query.RootReference);
        Add("requester_reference", "Requester", query.RequesterReference);
        Add("host_instance_reference", "Host", query.HostInstanceReference);
        Add("software_release_url", "Url", query.SoftwareReleaseUrl);
        Add("software_type", "Type", query.SoftwareType);
        if (query.Shared is { } shared)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append("shared = ").Append(shared ? '1' : '0');
        }

        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<InstanceRow>(Command(Sql["instance.select"] + where + " ORDER BY reference", args, null, cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row.ToInstance();
        }

        void Add(string column, string name, string? value)
        {
            if (value is not null)
            {
                where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(column).Append(" = @").Append(name);
                args.Add(name, value);
            }
        }
    }

    public virtual async Task<IReadOnlyList<AllocationCandidate>> ListAllocationCandidatesAsync(string softwareReleaseUrl, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<ComputerRow>(Command("candidate.list", new { Url = softwareReleaseUrl }, null, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new AllocationCandidate(r.ToComputer(), (int)r.FreePartitions, (int)r.TotalPartitions, r.Installed != 0))];
    }

    public async Task<IReadOnlyList<ComputerCapacity>> ListComputerCapacityAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<CapacityRow>(Command("computer.capacity", null, null, cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToCapacity())];
    }

    public virtual async Task<SoftwareInstance?> TryReservePartitionAsync(string computerReference, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            return await WriteChangingAsync(async (c, tx, changes) =>
            {
                // The free counter is the conditional update that serializes takers of one computer...
                var taken = await c.ExecuteAsync(Command("computer.take-free", new { Computer = computerReference }, tx, cancellationToken)).ConfigureAwait(false);
                if (taken == 0)
                {
                    return null;
                }

                // ...and the partition itself is taken only if still free.
                var partition = await c.QueryFirstOrDefaultAsync<string>(Command("partition.reserve", new { Computer = computerReference, Instance = instance.Reference }, tx, cancellationToken)).ConfigureAwait(false)
                    ?? throw new LostRaceException();
                var stored = instance with { ComputerReference = computerReference, PartitionReference = partition, HostInstanceReference = null, Version = 0 };
                await c.ExecuteAsync(Command("instance.insert", InstanceRow.From(stored), tx, cancellationToken)).ConfigureAwait(false);

                // computer.take-free moved the stamp already: only this process's listeners are left to tell.
                changes.Add(computerReference);
                OnCandidatesChanged(computerReference, -1);
                return stored;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (LostRaceException)
        {
            return null;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw DuplicateTitle(instance, e);
        }
    }

    public async Task<SoftwareInstance> InsertSharedInstanceAsync(SoftwareInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var stored = instance with { Shared = true, Version = 0 };
        try
        {
            await WriteAsync((c, tx) => c.ExecuteAsync(Command("instance.insert", InstanceRow.From(stored), tx, cancellationToken)), cancellationToken).ConfigureAwait(false);
            return stored;
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw DuplicateTitle(instance, e);
        }
    }

    public async Task<SoftwareInstance?> TryUpdateInstanceAsync(SoftwareInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            var changed = await WriteChangingAsync(async (c, tx, changes) =>
            {
                var before = await c.QueryFirstOrDefaultAsync<InstanceChangeRow>(Command("instance.change-of", new { instance.Reference }, tx, cancellationToken)).ConfigureAwait(false);
                var updated = await c.ExecuteAsync(Command("instance.update", InstanceRow.From(instance), tx, cancellationToken)).ConfigureAwait(false);
                if (updated > 0 && before is not null)
                {
                    await BumpUpdatedAsync(c, tx, changes, before, instance, cancellationToken).ConfigureAwait(false);
                }

                return updated;
            }, cancellationToken).ConfigureAwait(false);
            return changed == 0 ? null : instance with { Version = instance.Version + 1 };
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw DuplicateTitle(instance, e);
        }
    }

    public Task DeleteInstanceAndFreePartitionAsync(string instanceReference, CancellationToken cancellationToken) =>
        WriteChangingAsync(async (c, tx, changes) =>
        {
            var deleted = await c.QueryFirstOrDefaultAsync<InstanceRow>(Command("instance.delete", new { Reference = instanceReference }, tx, cancellationToken)).ConfigureAwait(false);

            if (deleted is { Shared: 0, ComputerReference: { } computer, PartitionReference: { } partition })
            {
                var freed = await c.ExecuteAsync(Command("partition.free", new { Computer = computer, Reference = partition, Instance = instanceReference }, tx, cancellationToken)).ConfigureAwait(false);
                if (freed > 0)
                {
                    await c.ExecuteAsync(Command("computer.give-free", new { Computer = computer }, tx, cancellationToken)).ConfigureAwait(false);
                    OnCandidatesChanged(computer, +1);
                }
            }

            if (deleted?.ComputerReference is { } touched)
            {
                await BumpAsync(c, tx, changes, touched, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);

    public Task RecordUsageAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return Task.CompletedTask;
        }

        return WriteAsync((c, tx) => c.ExecuteAsync(Command("usage.insert", records.Select(UsageRow.From).ToList(), tx, cancellationToken)), cancellationToken);
    }

    public async IAsyncEnumerable<UsageRecord> ListUsageAsync(string? computerReference, DateTimeOffset periodStart, DateTimeOffset periodEnd, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<UsageRow>(Command("usage.list", new { Computer = computerReference, Start = StoreWords.Micros(periodStart), End = StoreWords.Micros(periodEnd) }, null, cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row.ToRecord();
        }
    }

    protected static SlapException DuplicateTitle(SoftwareInstance instance, Exception inner) =>
        new(SlapErrorKind.Conflict, $"requester '{instance.RequesterReference}' already has an instance titled '{instance.Title}'", inner);

    protected CommandDefinition Command(string keyOrSql, object? args, DbTransaction? tx, CancellationToken cancellationToken) =>
        new(keyOrSql.Contains(' ', StringComparison.Ordinal) ? keyOrSql : Sql[keyOrSql], args, tx, cancellationToken: cancellationToken);

    private async Task<SoftwareInstance?> QueryInstanceAsync(string where, object args, CancellationToken cancellationToken)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QueryFirstOrDefaultAsync<InstanceRow>(Command(Sql["instance.select"] + where, args, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToInstance();
    }

    /// <summary>A partition counted free was taken meanwhile: roll back and let the caller try elsewhere.</summary>
    private sealed class LostRaceException : Exception;
}
