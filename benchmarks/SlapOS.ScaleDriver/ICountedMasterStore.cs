namespace SlapOS.ScaleDriver;

/// <summary>What <see cref="ReservationCountingStore"/> presents: the store, and its change feed across masters.</summary>
public interface ICountedMasterStore : IMasterStore, IComputerChangeFeed
{
}
