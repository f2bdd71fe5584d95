using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary><c>slapos request &lt;title&gt; &lt;url&gt;</c>: requests (or re-requests) an instance and shows its state and connection parameters.</summary>
internal static class RequestCommand
{
    public static Command Create()
    {
        var title = new Argument<string>("title") { Description = "Title of the instance (unique per requester)" };
        var url = new Argument<string>("software-url") { Description = "URL of the software release" };
        var type = new Option<string>("--type") { Description = "Software type", DefaultValueFactory = _ => "default" };
        var state = new Option<string>("--state") { Description = "Requested state" , DefaultValueFactory = _ => "started" };
        state.AcceptOnlyFromAmong("started", "stopped", "destroyed");
        var shared = new Option<bool>("--shared", "--slave") { Description = "Request a shared instance" };
        var sla = new Option<string[]>("--sla") { Description = "SLA as key=value pairs (e.g. computer_guid=COMP-1)", AllowMultipleArgumentsPerToken = true };
        var parameters = new Option<string[]>("--parameters") { Description = "Instance parameters as key=value pairs", AllowMultipleArgumentsPerToken = true };
        var parametersFile = new Option<FileInfo?>("--parameters-file") { Description = "Instance parameters as a JSON object file" };
        var wait = new Option<bool>("--wait") { Description = "Show the progress (allocated, software installed, instance started, connection parameters) until the instance is ready or reports an error" };
        var timeout = new Option<int>("--timeout") { Description = "With --wait: give up after this many seconds (exit code 124)", DefaultValueFactory = _ => 600 };

        var command = new Command("request", "Request an instance, or update an existing one") { title, url, type, state, shared, sla, parameters, parametersFile, wait, timeout };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (parseResult.GetValue(parameters) is { Length: > 0 } && parseResult.GetValue(parametersFile) is not null)
            {
                throw new CliException("use either --parameters or --parameters-file, not both", 2);
            }

            if (parseResult.GetValue(wait) && (parseResult.GetValue(state) == "destroyed" || parseResult.GetValue(shared) || parseResult.GetValue(timeout) <= 0))
            {
                throw new CliException("--wait follows a started or stopped instance that has a partition, with a positive --timeout", 2);
            }

            var body = new JsonObject
            {
                ["title"] = parseResult.GetValue(title),
                ["software_release_uri"] = parseResult.GetValue(url),
                ["software_type"] = parseResult.GetValue(type),
                ["state"] = parseResult.GetValue(state),
                ["shared"] = parseResult.GetValue(shared),
                ["parameters"] = parseResult.GetValue(parametersFile) is { } file
                    ? ReadParametersFile(file)
                    : KeyValues(parseResult.GetValue(parameters), "--parameters"),
                ["sla_parameters"] = KeyValues(parseResult.GetValue(sla), "--sla"),
            };

            using var client = GlobalOptions.CreateClient(parseResult);
            var result = await client.CallAsync("slapos.post.v0.software_instance", body, cancellationToken);
            if (parseResult.GetValue(wait))
            {
                var progress = Output.Progress(parseResult);
                progress.WriteLine($"Instance '{result["title"]}' requested ({result["instance_guid"]}), waiting up to {parseResult.GetValue(timeout)} s:");
                var instanceGuid = result["instance_guid"]!.GetValue<string>();
                await new InstanceProgress(client, progress, TimeProvider.System)
                    .WaitAsync(instanceGuid, parseResult.GetValue(title)!, TimeSpan.FromSeconds(parseResult.GetValue(timeout)), cancellationToken);
                var ready = await client.CallAsync("slapos.get.v0.software_instance", new JsonObject { ["instance_guid"] = instanceGuid }, cancellationToken);
                return Output.Write(parseResult, ready, output => output.WriteLine($"Instance '{ready["title"]}' is ready."));
            }

            return Output.Write(parseResult, result, output =>
            {
                output.WriteLine($"Instance '{result["title"]}' requested ({result["instance_guid"]}).");
                output.WriteLine($"State is: {result["state"]}.");
                if (result["computer_guid"] is { } computer && computer.ToString().Length > 0)
                {
                    output.WriteLine($"Allocated on: {computer} / {result["compute_partition_id"]}");
                }

                output.WriteLine("Connection parameters:");
                Output.Dictionary(output, result["connection_parameters"]);
                output.WriteLine("Rerun the command to get up-to-date information, or add --wait to follow it until it is ready.");
            });
        });
        return command;
    }

    private static JsonObject KeyValues(string[]? pairs, string option)
    {
        var result = new JsonObject();
        foreach (var pair in pairs ?? [])
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new CliException($"{option} expects key=value, got '{pair}'", 2);
            }

            result[pair[..separator]] = pair[(separator + 1)..];
        }

        return result;
    }

    private static JsonObject ReadParametersFile(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"parameters file '{file.FullName}' does not exist", 2);
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(file.FullName)) as JsonObject
                ?? throw new CliException($"parameters file '{file.FullName}' must hold a JSON object", 2);
        }
        catch (JsonException e)
        {
            throw new CliException($"parameters file '{file.FullName}' is not valid JSON: {e.Message}", 2);
        }
    }
}
