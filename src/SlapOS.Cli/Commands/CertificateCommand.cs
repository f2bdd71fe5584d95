using System.CommandLine;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos certificate list|revoke</c>: the certificates the master issued to a computer, partition (instance),
/// person or master, and their revocation. Every master refuses a revoked certificate within seconds.
/// </summary>
internal static class CertificateCommand
{
    /// <summary>The kinds of subject and the JSON call that revokes a subject's certificates, with its reference field.</summary>
    private static readonly Dictionary<string, (string Endpoint, string Field)> RevokeCalls = new(StringComparer.Ordinal)
    {
        ["computer"] = ("slapos.remove.v0.compute_node_certificate", "computer_guid"),
        ["partition"] = ("slapos.remove.v0.software_instance_certificate", "instance_guid"),
        ["person"] = ("slapos.remove.v0.person_certificate", "person_reference"),
    };

    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "computer, partition (an instance's reference), person or master" };
        kind.AcceptOnlyFromAmong("computer", "partition", "person", "master");
        var reference = new Argument<string>("reference") { Description = "Reference of the computer, instance, person or master" };
        var list = new Command("list", "List the certificates issued to a subject: serial number, validity, state") { kind, reference };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            using var client = GlobalOptions.CreateClient(parseResult);
            var result = await client.CallAsync("slapos.allDocs.v0.certificate_list",
                new JsonObject { ["kind"] = parseResult.GetValue(kind), ["reference"] = parseResult.GetValue(reference) }, cancellationToken);
            return Output.Write(parseResult, result, output =>
            {
                var certificates = result["result_list"]?.AsArray() ?? [];
                output.WriteLine($"Certificates of {parseResult.GetValue(kind)} '{parseResult.GetValue(reference)}': {certificates.Count}");
                foreach (var certificate in certificates)
                {
                    var revoked = certificate?["revoked_at"] is { } at ? $", revoked {at} ({certificate["revocation_reason"]})" : string.Empty;
                    output.WriteLine($"  {certificate?["serial_number"]}  {certificate?["state"]}  valid until {certificate?["not_after"]}{revoked}");
                }
            });
        });

        return new Command("certificate", "The certificates issued by the master, and their revocation") { list, Revoke() };
    }

    /// <summary>
    /// <c>slapos certificate revoke SERIAL</c> revokes one certificate; <c>slapos certificate revoke --kind K --reference R
    /// [SERIAL]</c> revokes one or every unexpired certificate of that subject.
    /// </summary>
    private static Command Revoke()
    {
        var serial = new Argument<string?>("serial") { Description = "Serial number (hex) of the certificate to revoke", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<string?>("--kind") { Description = "Revoke the certificates of this kind of subject: computer, partition or person" };
        kind.AcceptOnlyFromAmong([.. RevokeCalls.Keys]);
        var reference = new Option<string?>("--reference") { Description = "The subject's reference (with --kind)" };
        var reason = ReasonOption();
        var revoke = new Command("revoke", "Revoke a certificate by serial number, or every certificate of a subject (--kind, --reference)") { serial, kind, reference, reason };
        revoke.SetAction(async (parseResult, cancellationToken) =>
        {
            var (given, subjectKind, subjectReference) = (parseResult.GetValue(serial), parseResult.GetValue(kind), parseResult.GetValue(reference));
            if ((subjectKind is null) != (subjectReference is null))
            {
                throw new CliException("--kind and --reference go together", 2);
            }

            if (subjectKind is null)
            {
                if (given is null)
                {
                    throw new CliException("say which certificate: a serial number, or --kind and --reference for a subject's", 2);
                }

                return await CallAsync(parseResult, "slapos.remove.v0.certificate", new JsonObject { ["serial_number"] = given }, reason, cancellationToken);
            }

            var (endpoint, field) = RevokeCalls[subjectKind];
            var body = new JsonObject { [field] = subjectReference };
            if (given is not null)
            {
                body["serial_number"] = given;
            }

            return await CallAsync(parseResult, endpoint, body, reason, cancellationToken);
        });
        return revoke;
    }

    /// <summary><c>--reason</c>, in the revocation calls' words.</summary>
    public static Option<string?> ReasonOption()
    {
        var reason = new Option<string?>("--reason") { Description = "unspecified (default), key_compromise, superseded, cessation_of_operation or privilege_withdrawn" };
        reason.AcceptOnlyFromAmong("unspecified", "key_compromise", "superseded", "cessation_of_operation", "privilege_withdrawn");
        return reason;
    }

    /// <summary>Sends one revocation call (with the reason when given) and prints the master's answer.</summary>
    public static async Task<int> CallAsync(ParseResult parseResult, string endpoint, JsonObject body, Option<string?> reason, CancellationToken cancellationToken)
    {
        if (parseResult.GetValue(reason) is { } why)
        {
            body["reason"] = why;
        }

        using var client = GlobalOptions.CreateClient(parseResult);
        var result = await client.CallAsync(endpoint, body, cancellationToken);
        return Output.Write(parseResult, result, output => output.WriteLine(result["title"]?.GetValue<string>() ?? result.ToJsonString()));
    }
}
