using System.CommandLine;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary><c>slapos supply</c> and <c>slapos remove</c>: ask a computer to install or remove a release.</summary>
internal static class SupplyCommand
{
    public static Command Create(string name, string state, string description)
    {
        var url = new Argument<string>("software-url") { Description = "URL of the software release" };
        var computer = new Argument<string>("computer") { Description = "Reference of the computer" };
        var command = new Command(name, description) { url, computer };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var result = await client.CallAsync(
                "slapos.post.v0.software_installation",
                new JsonObject
                {
                    ["software_release_uri"] = parseResult.GetValue(url),
                    ["computer_guid"] = parseResult.GetValue(computer),
                    ["state"] = state,
                },
                cancellationToken);
            return Output.Write(parseResult, result, output => output.WriteLine($"Requested {parseResult.GetValue(url)} to be {state} on {parseResult.GetValue(computer)}."));
        });
        return command;
    }
}
