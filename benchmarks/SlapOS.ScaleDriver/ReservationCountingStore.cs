using System.Reflection;
using System.Runtime.ExceptionServices;

namespace SlapOS.ScaleDriver;

/// <summary>
/// Wraps the master's store and counts the reservations that lost a race for a computer
/// (<see cref="IMasterStore.TryReservePartitionAsync"/> answering null: the allocation pipeline then tries its next candidate).
/// </summary>
public class ReservationCountingStore : DispatchProxy
{
    private static long s_lostRaces;
    private static long s_reservations;

    private IMasterStore? _inner;

    public static long LostRaces => Interlocked.Read(ref s_lostRaces);

    public static long Reservations => Interlocked.Read(ref s_reservations);

    public static IMasterStore Wrap(IMasterStore inner)
    {
        // The proxy must stay a change feed too: the master's change listener finds the feed on the store, and without
        // it no change made through another master wakes this one's long-polls (found by the wake-up scenario).
        var proxy = Create<ICountedMasterStore, ReservationCountingStore>();
        ((ReservationCountingStore)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        return targetMethod.Name == nameof(IMasterStore.TryReservePartitionAsync) ? CountAsync((Task<SoftwareInstance?>)result!) : result;
    }

    private static async Task<SoftwareInstance?> CountAsync(Task<SoftwareInstance?> reservation)
    {
        var reserved = await reservation.ConfigureAwait(false);
        Interlocked.Increment(ref s_reservations);
        if (reserved is null)
        {
            Interlocked.Increment(ref s_lostRaces);
        }

        return reserved;
    }
}
