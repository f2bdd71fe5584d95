using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SlapOS.Providers.Managers;

/// <summary>
/// Forwards one TCP host port to a partition's address in this process (socat's job in slapgrid): each accepted
/// connection is piped both ways to a new connection to the destination, half-closes passed on. Disposing stops
/// listening and closes the connections in flight.
/// </summary>
internal sealed class PortForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _destination;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Task _accepting;

    /// <summary>Listens at once; throws <see cref="SocketException"/> when the port cannot be taken.</summary>
    public PortForwarder(PortRedirection redirection)
    {
        _destination = new IPEndPoint(redirection.DestinationAddress, redirection.DestinationPort);
        _listener = new TcpListener(redirection.SourceAddress ?? IPAddress.Any, redirection.SourcePort);
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = PipeAsync(client, cancellationToken);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task PipeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var owned = client;
        using var upstream = new TcpClient(_destination.AddressFamily);
        try
        {
            await upstream.ConnectAsync(_destination, cancellationToken).ConfigureAwait(false);
            var inbound = client.GetStream();
            var outbound = upstream.GetStream();
            await Task.WhenAll(
                CopyAsync(inbound, outbound, upstream.Client, cancellationToken),
                CopyAsync(outbound, inbound, client.Client, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The destination refused, a side reset, or the forwarder stopped: the connection ends, as with socat.
        }
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, Socket toSocket, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
    }
}
