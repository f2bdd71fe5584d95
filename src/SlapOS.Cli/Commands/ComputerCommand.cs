using System.CommandLine;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary><c>slapos computer list|info</c>: the computers of the cloud.</summary>
internal static class ComputerCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the computers");
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var result = await client.CallAsync("slapos.allDocs.WIP.compute_node_list", [], cancellationToken);
            return Output.Write(parseResult, result, output =>
            {
                var computers = result["result_list"]?.AsArray() ?? [];
                output.WriteLine($"List of Computers: {computers.Count}");
                foreach (var computer in computers)
                {
                    output.WriteLine($"  {computer?["computer_guid"]}");
                }
            });
        });

        var reference = new Argument<string>("reference") { Description = "Reference of the computer" };
        var info = new Command("info", "Show a computer: supplied releases and its instances") { reference };
        info.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var body = new JsonObject { ["computer_guid"] = parseResult.GetValue(reference) };
            var software = await client.CallAsync("slapos.allDocs.v0.compute_node_software_installation_list", body, cancellationToken);
            var instances = await client.CallAsync("slapos.allDocs.v0.compute_node_instance_list", (JsonObject)body.DeepClone(), cancellationToken);
            var document = new JsonObject
            {
                ["computer_guid"] = parseResult.GetValue(reference),
                ["software_installation_list"] = software["result_list"]?.DeepClone(),
                ["instance_list"] = instances["result_list"]?.DeepClone(),
            };
            return Output.Write(parseResult, document, output =>
            {
                output.WriteLine($"Computer Reference: {parseResult.GetValue(reference)}");
                output.WriteLine("Software releases:");
                foreach (var entry in software["result_list"]?.AsArray() ?? [])
                {
                    output.WriteLine($"  {entry?["software_release_uri"]} ({entry?["state"]})");
                }

                output.WriteLine("Instances:");
                foreach (var entry in instances["result_list"]?.AsArray() ?? [])
                {
                    output.WriteLine($"  {entry?["compute_partition_id"]}: {entry?["title"]} ({entry?["state"]})");
                }
            });
        });

        return new Command("computer", "The computers of the cloud") { list, info, Token(), Revoke() };
    }

    /// <summary>
    /// <c>slapos computer token COMP-1</c>: a one-time onboarding token for that computer's node (an administrator's
    /// or the owner's call; an administrator's token for an unknown computer enrols it). The token alone is printed,
    /// so that <c>T=$(slapos computer token COMP-1)</c> works.
    /// </summary>
    private static Command Token()
    {
        var reference = new Argument<string>("reference") { Description = "Reference of the computer to enrol" };
        var ttl = new Option<int?>("--ttl-seconds") { Description = "How long the token is valid (default one hour, at most 7 days)" };
        var token = new Command("token", "Create a one-time onboarding token for a computer (for 'slapos node register')") { reference, ttl };
        token.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var body = new JsonObject { ["computer_guid"] = parseResult.GetValue(reference) };
            if (parseResult.GetValue(ttl) is { } seconds)
            {
                body["ttl_seconds"] = seconds;
            }

            var result = await client.CallAsync("slapos.post.v0.compute_node_token", body, cancellationToken);
            return Output.Write(parseResult, result, output =>
            {
                output.WriteLine(result["token"]?.GetValue<string>());
                parseResult.InvocationConfiguration.Error.WriteLine($"slapos: one-time token for computer '{parseResult.GetValue(reference)}', valid until {result["expires"]}");
            });
        });
        return token;
    }

    /// <summary>
    /// <c>slapos computer revoke COMP-1 [--serial S] [--reason R]</c>: revokes the computer's certificates (all its unexpired
    /// ones, or one), SlapOS's <c>slapos.remove.v0.compute_node_certificate</c>. The node is refused at its next call.
    /// </summary>
    private static Command Revoke()
    {
        var reference = new Argument<string>("reference") { Description = "Reference of the computer" };
        var serial = new Option<string?>("--serial") { Description = "Revoke only the certificate with this serial number (hex)" };
        var reason = CertificateCommand.ReasonOption();
        var revoke = new Command("revoke", "Revoke a computer's certificates: its node is refused by every master within seconds") { reference, serial, reason };
        revoke.SetAction((parseResult, cancellationToken) =>
        {
            var body = new JsonObject { ["computer_guid"] = parseResult.GetValue(reference) };
            if (parseResult.GetValue(serial) is { } given)
            {
                body["serial_number"] = given;
            }

            return CertificateCommand.CallAsync(parseResult, "slapos.remove.v0.compute_node_certificate", body, reason, cancellationToken);
        });
        return revoke;
    }
}
