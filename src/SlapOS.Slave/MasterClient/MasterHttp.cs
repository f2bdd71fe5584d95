using System.Net;
using Polly;

namespace SlapOS.Slave;

/// <summary>Sends a request to the master and turns transport failures into <see cref="MasterUnreachableException"/>.</summary>
internal static class MasterHttp
{
    /// <summary>The largest answer read from a master (a computer document with 1,000 partitions fits well).</summary>
    public const long MaxAnswerBytes = 64L * 1024 * 1024;

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                var body = await ReadTextAsync(response, cancellationToken);
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

    public static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxAnswerBytes)
        {
            throw new MasterUnreachableException(FormattableString.Invariant($"the master's answer is larger than {MaxAnswerBytes} bytes"));
        }

        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 300 ? oneLine : oneLine[..300] + "…";
    }

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
