using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;

namespace SlapOS.Providers.Storage;

/// <summary>Federation: requests forwarded to external masters, recorded next to their local instance (schema version 4).</summary>
internal abstract partial class SqlMasterStore : IForwardedInstanceStore
{
    public async Task InsertForwardedInstanceAsync(SoftwareInstance instance, ForwardedInstance forwarded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(forwarded);
        var stored = instance with { ComputerReference = null, PartitionReference = null, HostInstanceReference = null, Version = 0 };
        try
        {
            await WriteAsync(async (c, tx) =>
            {
                await c.ExecuteAsync(Command("instance.insert", InstanceRow.From(stored), tx, cancellationToken)).ConfigureAwait(false);
                return await c.ExecuteAsync(Command("forward.insert", ForwardedInstanceRow.From(forwarded), tx, cancellationToken)).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            throw DuplicateTitle(instance, e);
        }
    }

    public async Task<ForwardedInstance?> GetForwardedInstanceAsync(string instanceReference, CancellationToken cancellationToken)
    {
        await using var c = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await c.QueryFirstOrDefaultAsync<ForwardedInstanceRow>(Command(Sql["forward.select"] + " WHERE instance_reference = @Reference", new { Reference = instanceReference }, null, cancellationToken)).ConfigureAwait(false);
        return row?.ToForwarded();
    }

    public Task UpdateForwardedInstanceAsync(ForwardedInstance forwarded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        return WriteAsync((c, tx) => c.ExecuteAsync(Command("forward.update", ForwardedInstanceRow.From(forwarded), tx, cancellationToken)), cancellationToken);
    }

    public Task DeleteForwardedInstanceAsync(string instanceReference, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await c.ExecuteAsync(Command("forward.delete", new { InstanceReference = instanceReference }, tx, cancellationToken)).ConfigureAwait(false);
            return await c.ExecuteAsync(Command("instance.delete", new { Reference = instanceReference }, tx, cancellationToken)).ConfigureAwait(false);
        }, cancellationToken);

    public async IAsyncEnumerable<ForwardedInstance> ListForwardedInstancesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var c = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await c.QueryAsync<ForwardedInstanceRow>(Command(Sql["forward.select"] + " ORDER BY instance_reference", null, null, cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            yield return row.ToForwarded();
        }
    }
}
