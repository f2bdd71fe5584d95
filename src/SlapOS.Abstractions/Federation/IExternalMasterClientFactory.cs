namespace SlapOS;

/// <summary>
/// Makes the client this master uses to forward requests to an external master (our JSON API client in
/// SlapOS.Slave: <c>UseJsonExternalMasters()</c>). Called once per configured master; the client is kept.
/// </summary>
public interface IExternalMasterClientFactory
{
    /// <summary>A client of the external master described by <paramref name="connection"/>.</summary>
    ISlapMasterClient Create(ExternalMasterConnection connection);
}
