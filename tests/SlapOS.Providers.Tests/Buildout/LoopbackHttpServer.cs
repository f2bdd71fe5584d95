using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>
/// A minimal HTTP/1.0 file server on 127.0.0.1 (port chosen by the system, so parallel tests never
/// collide): serves <see cref="Files"/> and counts requests.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await AnswerAsync(client.GetStream());
                }
                catch (IOException)
                {
                    // The client went away.
                }
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream)
    {
        var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(_stop.Token) ?? string.Empty;
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
        {
            // Headers are not needed.
        }

        Interlocked.Increment(ref _requests);
        var path = requestLine.Split(' ') is [_, var target, ..] ? target : "/";
        string? body;
        lock (Files)
        {
            Files.TryGetValue(path, out body);
        }

        var content = Encoding.UTF8.GetBytes(body ?? "not found");
        var head = $"HTTP/1.0 {(body is null ? "404 Not Found" : "200 OK")}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        await stream.WriteAsync(content, _stop.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
