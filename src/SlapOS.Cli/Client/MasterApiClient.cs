using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Client;

/// <summary>Calls the master's JSON API v0 for the client commands.</summary>
internal sealed class MasterApiClient(HttpClient http) : IDisposable
{
    public async Task<JsonObject> CallAsync(string endpoint, JsonObject body, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(endpoint, body, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new CliException($"cannot reach the master at {http.BaseAddress}: {e.InnerException?.Message ?? e.Message}", 3);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the master at {http.BaseAddress} did not answer in time", 3);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? document = null;
            try
            {
                document = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON: reported below with the status.
            }

            if (response.IsSuccessStatusCode && document is JsonObject result)
            {
                return result;
            }

            var title = document?["title"]?.GetValue<string>();
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound when title is null => new CliException($"the master at {http.BaseAddress} has no endpoint {endpoint}: is it a SlapOS for .NET master?"),
                _ => new CliException(title ?? $"the master answered {(int)response.StatusCode} {response.ReasonPhrase}"),
            };
        }
    }

    public void Dispose() => http.Dispose();
}
