using System.CommandLine;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary><c>slapos service list|info</c>: the instance trees the caller requested.</summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List your instances (root of each instance tree) and their software release");
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var trees = await client.CallAsync("slapos.allDocs.v0.instance_tree_list", [], cancellationToken);
            var services = new JsonObject();
            foreach (var entry in trees["result_list"]?.AsArray() ?? [])
            {
                var title = entry?["title"]?.GetValue<string>();
                if (title is null)
                {
                    continue;
                }

                var tree = await client.CallAsync("slapos.get.v0.instance_tree", new JsonObject { ["title"] = title }, cancellationToken);
                services[title] = tree["software_release_uri"]?.DeepClone();
            }

            // The same output as the real `slapos service list`: a JSON map of title to release.
            Output.Json(parseResult.InvocationConfiguration.Output, services);
            return 0;
        });

        var title = new Argument<string>("title") { Description = "Title of the instance" };
        var info = new Command("info", "Show an instance: release, type, state, parameters and connection parameters") { title };
        info.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var result = await client.CallAsync("slapos.get.v0.instance_tree", new JsonObject { ["title"] = parseResult.GetValue(title) }, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(GlobalOptions.Json))
            {
                Output.Json(output, result);
                return 0;
            }

            output.WriteLine($"Software Release URL: {result["software_release_uri"]}");
            output.WriteLine($"Software Type: {result["software_type"]}");
            output.WriteLine($"Requested state: {result["state"]}");
            output.WriteLine($"Instance parameters:");
            Output.Dictionary(output, result["parameters"]);
            output.WriteLine($"Connection parameters:");
            Output.Dictionary(output, result["connection_parameters"]);
            return 0;
        });

        return new Command("service", "Your instances") { list, info };
    }
}
