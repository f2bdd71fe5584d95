using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// Sends one HTTP/1.1 request over a raw socket while reading the answer at the same time, as a client
/// must to see a server refuse a huge body before it has all been sent (the server answers, then closes).
/// </summary>
internal static class RawHttp
{
    public static async Task<Answer> SendAsync(Uri server, string path, string contentType, Stream body, bool chunked, params (string Name, string Value)[] headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n")
            .Append(string.Concat(headers.Select(h => h.Name + ": " + h.Value + "\r\n")))
            .Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));

        var sending = SendBodyAsync(stream, body, chunked);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (Complete(received.ToArray()))
                {
                    break;
                }
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server closed after answering: what was read is the answer.
        }

        client.Close();
        try
        {
            await sending;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Expected: the server stopped reading the body.
        }

        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static async Task SendBodyAsync(NetworkStream stream, Stream body, bool chunked)
    {
        var buffer = new byte[256 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (chunked)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{read:x}\r\n"));
            }

            await stream.WriteAsync(buffer.AsMemory(0, read));
            if (chunked)
            {
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
        }

        if (chunked)
        {
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
    }

    /// <summary>Whether the bytes hold a whole answer with a Content-Length body.</summary>
    private static bool Complete(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Answer Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no HTTP answer before the connection closed: '{text}'");
        var lines = text[..end].Split("\r\n");
        var status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = lines.FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Trim();
        var body = text[(end + 4)..];
        if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Dechunk(body);
        }

        return new Answer(status, contentType, body);
    }

    /// <summary>Undoes chunked framing; chunk sizes count bytes, so it works on the UTF-8 bytes, not the characters.</summary>
    private static string Dechunk(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var result = new MemoryStream();
        var position = 0;
        while (position < bytes.Length)
        {
            var lineEnd = bytes.AsSpan(position).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, position, lineEnd), 16);
            if (size == 0)
            {
                break;
            }

            var start = position + lineEnd + 2;
            result.Write(bytes, start, Math.Min(size, bytes.Length - start));
            position = start + size + 2;
        }

        return Encoding.UTF8.GetString(result.ToArray());
    }
}
