using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SlapOS.Slave.Tests.Hostile;

/// <summary>
/// A master on loopback that writes raw HTTP/1.1 answers, so a test controls the framing byte by byte
/// (Content-Length, chunked, gzip) — what a hostile master on the network could send.
/// </summary>
internal sealed class LoopbackMaster : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<LoopbackRequest, LoopbackAnswer> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _bytesSent;
    private int _hangUps;

    public LoopbackMaster(Func<LoopbackRequest, LoopbackAnswer> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => FormattableString.Invariant($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Body bytes written on the wire (after compression), over all answers.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>How many answers the node stopped reading before their end.</summary>
    public int HangUps => Volatile.Read(ref _hangUps);

    public List<LoopbackRequest> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var request = await ReadRequestAsync(stream);
                lock (Requests)
                {
                    Requests.Add(request);
                }

                var answer = _answer(request);
                var head = new StringBuilder(FormattableString.Invariant($"HTTP/1.1 {answer.Status} X\r\nConnection: close\r\nContent-Type: {answer.ContentType}\r\n"));
                foreach (var (name, value) in answer.Headers)
                {
                    head.Append(name).Append(": ").Append(value).Append("\r\n");
                }

                head.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                await answer.WriteBody(new CountingStream(stream, n => Interlocked.Add(ref _bytesSent, n)), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (IOException)
            {
                // The node hung up on this answer.
                Interlocked.Increment(ref _hangUps);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<LoopbackRequest> ReadRequestAsync(NetworkStream stream)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (header.Count < 4 || header[^4] != '\r' || header[^3] != '\n' || header[^2] != '\r' || header[^1] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("the node closed the connection");
            }

            header.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString([.. header]).Split("\r\n");
        var start = lines[0].Split(' ');
        var length = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        var path = start[1];
        var query = path.Contains('?', StringComparison.Ordinal) ? path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        return new LoopbackRequest(start[0], path.Split('?')[0].Trim('/'), query, Encoding.UTF8.GetString(body));
    }

    private sealed class CountingStream(Stream inner, Action<int> onWrite) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            onWrite(count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            onWrite(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
