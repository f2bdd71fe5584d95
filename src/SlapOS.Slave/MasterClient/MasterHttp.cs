using System.Net;
using System.Text;
using Polly;

namespace SlapOS.Slave;

/// <summary>Sends a request to the master and turns transport failures into <see cref="MasterUnreachableException"/>.</summary>
internal static class MasterHttp
{
    /// <summary>The default of <see cref="SlapMasterClientOptions.MaxAnswerBytes"/> (a computer document with 1,000 partitions fits well).</summary>
    public const long DefaultMaxAnswerBytes = 64L * 1024 * 1024;

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                // Only the start of an error page is shown: read no more of it than that.
                var body = await ReadStartAsync(response, cancellationToken);
                response.Dispose();
                throw new MasterUnreachableException(
                    FormattableString.Invariant($"the master answered {(int)response.StatusCode} to {request.Method} {request.RequestUri}: {Shorten(body)}"));
            }

            return response;
        }
        catch (HttpRequestException ex)
        {
            throw new MasterUnreachableException($"the master at {http.BaseAddress} cannot be reached: {ex.Message}", ex);
        }
        catch (ExecutionRejectedException ex)
        {
            // Polly gave up: timeout, open circuit or rate limit.
            throw new MasterUnreachableException($"the master at {http.BaseAddress} did not answer in time: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MasterUnreachableException($"the master at {http.BaseAddress} did not answer in time", ex);
        }
    }

    /// <summary>
    /// Reads an answer as text, counting the bytes after decompression whatever the framing (Content-Length,
    /// chunked, gzip): a master cannot make the node hold more than <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<string> ReadTextAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        await using var body = await OpenAsync(response, maxBytes, cancellationToken);
        using var text = new MemoryStream();
        await body.CopyToAsync(text, cancellationToken);
        var charset = response.Content.Headers.ContentType?.CharSet?.Trim('"');
        var encoding = Encoding.UTF8;
        if (charset is not null)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // An unknown charset is read as UTF-8, as HttpContent does.
            }
        }

        return encoding.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    /// <summary>The answer's body (decompressed), failing as soon as more than <paramref name="maxBytes"/> come out of it.</summary>
    public static async Task<Stream> OpenAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        return new SlapOS.Wire.BoundedReadStream(await response.Content.ReadAsStreamAsync(cancellationToken), maxBytes, TooLarge, leaveOpen: false);
    }

    internal static MasterUnreachableException TooLarge(long maxBytes) =>
        new(FormattableString.Invariant($"the master's answer is larger than {maxBytes} bytes (counted after decompression); see SlapOS:Slave:MasterClient:MaxAnswerBytes"));

    public static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 300 ? oneLine : oneLine[..300] + "…";
    }

    private const int ErrorPageBytes = 64 * 1024;

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ErrorPageBytes];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
