using System.CommandLine;
using System.Text.Json.Nodes;
using SlapOS.Cli.Client;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos request --wait</c>: follows an instance through its stages (allocated, software installed, instance
/// started or stopped, connection parameters) from the master's <c>slapos.get.v0.software_instance_status</c>,
/// printing each stage once and in order, until it is ready, reports an error, or the timeout passes.
/// </summary>
internal sealed class InstanceProgress(MasterApiClient client, TextWriter progress, TimeProvider time)
{
    /// <summary>What the instance is waited for.</summary>
    public const string StatusEndpoint = "slapos.get.v0.software_instance_status";

    /// <summary>How often the master is asked.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Polls until the instance is ready; returns its last status document, or throws a <see cref="CliException"/> on error or timeout.</summary>
    public async Task<JsonObject> WaitAsync(string instanceGuid, string title, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var shown = 0;
        while (true)
        {
            var status = await client.CallAsync(StatusEndpoint, new JsonObject { ["instance_guid"] = instanceGuid }, cancellationToken);
            var stages = Stages(status);
            for (; shown < stages.Count && stages[shown].Reached; shown++)
            {
                progress.WriteLine($"[{shown + 1}/{stages.Count}] {stages[shown].Text}");
                if (stages[shown].Parameters is { } parameters)
                {
                    Output.Dictionary(progress, parameters, "      ");
                }
            }

            if (Failure(status) is { } failure)
            {
                throw new CliException($"instance '{title}' {failure}", 1, $"see 'slapos service info {title}', fix the cause and request again");
            }

            if (shown == stages.Count)
            {
                return status;
            }

            if (time.GetUtcNow() >= deadline)
            {
                var waiting = stages[shown].Waiting;
                throw new CliException(
                    $"instance '{title}' not ready after {timeout.TotalSeconds:0} s: still waiting for {waiting}",
                    124,
                    shown == 0 ? "no free partition matched yet: check the SLA and 'slapos computer list'" : "is the node running? check 'slapos computer info' and the node's log, or wait longer with --timeout");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    /// <summary>The stages of the instance, in order, and whether each is reached.</summary>
    private static List<Stage> Stages(JsonObject status)
    {
        var computer = Text(status["computer_guid"]);
        var partition = Text(status["compute_partition_id"]);
        var requested = Text(status["state"]) ?? "started";
        var reported = Text(status["reported_state"]) ?? "none";
        var software = Text(status["software_installation_state"]) ?? "none";
        var parameters = status["connection_parameters"] as JsonObject;
        var allocated = !string.IsNullOrEmpty(computer);
        var deployed = reported == requested;
        var stages = new List<Stage>
        {
            new(allocated, $"allocated on {computer} / {partition}", "a partition"),
            new(allocated && (software == "available" || deployed), $"software release installed on {computer}", "the node to install the software release"),
            new(deployed, $"instance {requested}", $"the node to report the instance {requested}"),
        };
        if (requested == "started")
        {
            stages.Add(new(deployed && parameters is { Count: > 0 }, "connection parameters published:", "the instance to publish its connection parameters") { Parameters = parameters });
        }

        return stages;
    }

    private static string? Failure(JsonObject status) =>
        Text(status["reported_state"]) == "error" ? $"reports an error: {Text(status["error_message"]) ?? "no message"}"
        : Text(status["software_installation_state"]) == "error" ? $"cannot run: its software release failed to install on {Text(status["computer_guid"])}: {Text(status["software_installation_error"]) ?? "no message"}"
        : null;

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed record Stage(bool Reached, string Text, string Waiting)
    {
        public JsonObject? Parameters { get; init; }
    }
}
