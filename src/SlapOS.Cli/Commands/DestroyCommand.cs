using System.CommandLine;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos destroy &lt;title&gt;</c>: requests one of your instances (and its tree) destroyed, with its own release and
/// software type, as slapconsole's <c>destroy</c>; the node then stops it, wipes its partition and frees it.
/// </summary>
internal static class DestroyCommand
{
    public static Command Create()
    {
        var title = new Argument<string>("title") { Description = "Title of the instance to destroy" };
        var command = new Command("destroy", "Request an instance (and the instances it requested) destroyed") { title };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var tree = await client.CallAsync("slapos.get.v0.instance_tree", new JsonObject { ["title"] = parseResult.GetValue(title) }, cancellationToken);
            var result = await client.CallAsync(
                "slapos.post.v0.software_instance",
                new JsonObject
                {
                    ["title"] = tree["title"]?.DeepClone(),
                    ["software_release_uri"] = tree["software_release_uri"]?.DeepClone(),
                    ["software_type"] = tree["software_type"]?.DeepClone(),
                    ["shared"] = tree["shared"]?.DeepClone(),
                    ["state"] = "destroyed",
                },
                cancellationToken);
            return Output.Write(parseResult, result, output => output.WriteLine($"Requested instance '{result["title"]}' destroyed."));
        });
        return command;
    }
}
