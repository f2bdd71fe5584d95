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
            throw new CliException($"cannot reach the master at {http.BaseAddress} ({e.InnerException?.Message ?? e.Message})", 3, CliErrors.MasterHint);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"the master at {http.BaseAddress} did not answer in time", 3, "check that the master is running, or try again");
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
                HttpStatusCode.NotFound when title is null => new CliException($"the master at {http.BaseAddress} has no endpoint {endpoint}", 1, "is it a SlapOS for .NET master? " + CliErrors.MasterHint),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when title is not null && IsRefusal(document) => new CliException(title, 1, "check your certificate: key_file and cert_file in the client configuration ('slapos configure client')"),
                _ => new CliException(title ?? $"the master answered {(int)response.StatusCode} {response.ReasonPhrase}"),
            };
        }
    }

    /// <summary>A refusal of the caller (not a "not found", which SlapOS also answers with a 403).</summary>
    private static bool IsRefusal(JsonNode? document) => document?["kind"]?.GetValue<string>() is "Forbidden" or "Unauthorized";

        public void Dispose() => http.Dispose();
}
