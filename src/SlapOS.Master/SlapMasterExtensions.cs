namespace SlapOS.Master;

/// <summary>Operations made of several <see cref="ISlapMaster"/> calls, written once for every API.</summary>
public static class SlapMasterExtensions
{
    /// <summary>
    /// Bangs every allocated instance of a computer (<c>computerBang</c>, <c>slapos.put.v0.compute_node_bang</c>):
    /// each instance tree takes a new timestamp, so the node processes every partition again.
    /// </summary>
    /// <param name="master">The master.</param>
    /// <param name="computerReference">The computer, which the caller was already allowed to act on.</param>
    /// <param name="message">Why, as the node said.</param>
    /// <param name="cancellationToken">Cancels the bang between instances.</param>
    public static async Task BangComputerAsync(this ISlapMaster master, string computerReference, string? message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(master);
        await foreach (var instance in master.ListInstancesAsync(new InstanceQuery { ComputerReference = computerReference, Shared = false }, cancellationToken).ConfigureAwait(false))
        {
            await master.BangAsync(computerReference, instance.PartitionReference!, message, cancellationToken).ConfigureAwait(false);
        }
    }
}
