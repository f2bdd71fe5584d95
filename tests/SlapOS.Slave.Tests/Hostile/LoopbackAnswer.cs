using System.IO.Compression;
using System.Text;

namespace SlapOS.Slave.Tests.Hostile;

/// <summary>What <see cref="LoopbackMaster"/> writes back: status, headers and a body writer (which may never end).</summary>
internal sealed record LoopbackAnswer(int Status, string ContentType, IReadOnlyList<(string Name, string Value)> Headers, Func<Stream, CancellationToken, Task> WriteBody)
{
    /// <summary>A plain answer with its Content-Length.</summary>
    public static LoopbackAnswer Text(string body, string contentType = "text/html", int status = 200)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return new(status, contentType, [("Content-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))], (s, ct) => s.WriteAsync(bytes, ct).AsTask());
    }

    /// <summary>A chunked answer: <paramref name="prefix"/>, then <paramref name="filler"/> repeated <paramref name="repeat"/> times, then <paramref name="suffix"/>.</summary>
    public static LoopbackAnswer Chunked(string prefix, string filler, long repeat, string suffix, string contentType = "text/html") =>
        new(200, contentType, [("Transfer-Encoding", "chunked")], async (s, ct) =>
        {
            await WriteChunkAsync(s, Encoding.UTF8.GetBytes(prefix), ct);
            var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(filler, 4096)));
            for (long i = 0; i < repeat; i += 4096)
            {
                await WriteChunkAsync(s, chunk, ct);
            }

            await WriteChunkAsync(s, Encoding.UTF8.GetBytes(suffix), ct);
            await s.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
        });

    /// <summary>
    /// A gzip answer (Content-Encoding: gzip) whose decompressed body is <paramref name="prefix"/>, then
    /// <paramref name="zeros"/> '0' characters, then <paramref name="suffix"/>; compressed on the fly, so a bomb costs nothing to send.
    /// </summary>
    public static LoopbackAnswer Gzip(string prefix, long zeros, string suffix, bool chunked, string contentType = "text/html") =>
        new(200, contentType, chunked ? [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")] : [("Content-Encoding", "gzip")], async (s, ct) =>
        {
            var target = chunked ? new ChunkedWriter(s) : s;
            await using (var gzip = new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes(prefix), ct);
                var block = Enumerable.Repeat((byte)'0', 1 << 20).ToArray();
                for (long left = zeros; left > 0; left -= block.Length)
                {
                    await gzip.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, left)), ct);
                }

                await gzip.WriteAsync(Encoding.UTF8.GetBytes(suffix), ct);
            }

            if (chunked)
            {
                await s.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
            }
        });

    private static async Task WriteChunkAsync(Stream s, byte[] data, CancellationToken ct)
    {
        if (data.Length == 0)
        {
            return;
        }

        await s.WriteAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"), ct);
        await s.WriteAsync(data, ct);
        await s.WriteAsync("\r\n"u8.ToArray(), ct);
    }

    /// <summary>Frames every write as one chunk (without the final empty chunk).</summary>
    private sealed class ChunkedWriter(Stream inner) : Stream
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

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await WriteChunkAsync(inner, buffer.ToArray(), cancellationToken);
    }
}
