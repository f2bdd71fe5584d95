namespace SlapOS.Slave;

/// <summary>
/// Before a call to the master: brings the master's CRL up to date, and fails the call with the reason when no
/// current verified list exists (the TLS check, <see cref="MasterRevocationList.Accepts"/>, would refuse the master
/// anyway, with a less telling error).
/// </summary>
internal sealed class MasterRevocationHandler(MasterRevocationList revocation) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await revocation.RefreshIfDueAsync(cancellationToken).ConfigureAwait(false);
        if (revocation.Unusable() is { } reason)
        {
            throw new HttpRequestException(reason);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
