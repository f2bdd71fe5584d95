using SlapOS.Integration.Tests.Api;
using SlapOS.Integration.Tests.Identity;

namespace SlapOS.Integration.Tests.Compatibility;

/// <summary>
/// Every JSON API path, called the way a node, a client and an administrator call it, answers documents that
/// validate against the response schema the master publishes (SlapOS's own for SlapOS's paths, which forbid
/// any key they do not list). No path is exempt: every path of the document must answer 200 at least once.
/// </summary>
public sealed class ResponseSchemaTests(MtlsMaster master) : IClassFixture<MtlsMaster>
{
    private const string Release = LoopbackMaster.Release;
    private const string Usage = "<?xml version='1.0' encoding='utf-8'?><journal><transaction type=\"Sale Packing List\"><title>Resource consumptions</title><start_date></start_date><stop_date></stop_date><reference>slappart0</reference><currency></currency><payment_mode></payment_mode><category></category><arrow type=\"Administration\"><source></source><destination></destination></arrow><movement><resource>CPU Consumption</resource><title>CPU Consumption</title><reference>slappart0</reference><quantity>42.0</quantity><price>0.0</price><VAT></VAT><category></category></movement></transaction></journal>";

    [Fact]
    public async Task Every_path_answers_documents_that_validate_against_its_response_schema()
    {
        var admin = await master.IssueAsync(IdentityKind.Person, "schema-admin", admin: true);
        using var client = master.Client(admin);
        using var anonymous = master.Client(null, master.OnboardingUrl);
        var check = await ResponseSchemaConformance.LoadAsync(client);
        var computer = LoopbackMaster.NewComputer();
        var title = "schema-" + computer;

        await check.PostAsync(client, "/slapos.get.v0.hateoas_url", new { });
        await check.PostAsync(client, "/slapos.put.v0.compute_node_format", new
        {
            computer_guid = computer,
            compute_partition_list = new[]
            {
                new { partition_id = "slappart0", ip_list = new[] { new Dictionary<string, string> { ["ip-address"] = "10.90.0.2", ["netmask"] = "255.255.255.0", ["network-interface"] = "slaptap0" } } },
                new { partition_id = "slappart1", ip_list = new[] { new Dictionary<string, string> { ["ip-address"] = "10.90.0.3", ["netmask"] = "255.255.255.0", ["network-interface"] = "slaptap1" } } },
            },
        });
        await check.PostAsync(client, "/slapos.post.v0.software_installation", new { software_release_uri = Release, computer_guid = computer });
        await check.PostAsync(client, "/slapos.put.v0.software_installation_reported_state", new { software_release_uri = Release, computer_guid = computer, reported_state = "available" });
        await check.PostAsync(client, "/slapos.put.v0.software_installation_error", new { software_release_uri = Release, computer_guid = computer, message = "oops" });
        await check.PostAsync(client, "/slapos.allDocs.v0.compute_node_software_installation_list", new { computer_guid = computer });

        var root = ResponseSchemaConformance.Json(await check.PostAsync(client, "/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = Release,
            software_type = "default",
            parameters = new { a = "1" },
            sla_parameters = new { computer_guid = computer },
        }));
        var guid = root.GetProperty("instance_guid").GetString()!;
        await check.PostAsync(client, "/slapos.post.v0.software_instance", new
        {
            title = title + "-shared",
            software_release_uri = Release,
            software_type = "default",
            shared = true,
            sla_parameters = new { computer_guid = computer },
        });
        await check.PostAsync(client, "/slapos.get.v0.software_instance", new { instance_guid = guid });
        await check.PostAsync(client, "/slapos.get.v0.instance_tree", new { title });
        await check.PostAsync(client, "/slapos.allDocs.v0.instance_tree_list", new { });
        await check.PostAsync(client, "/slapos.allDocs.v0.instance_node_instance_list", new { instance_guid = guid });
        await check.PostAsync(client, "/slapos.put.v0.software_instance_connection_parameter", new { instance_guid = guid, connection_parameter_dict = new { url = "http://x" } });
        await check.PostAsync(client, "/slapos.put.v0.software_instance_error", new { instance_guid = guid, message = "broken" });
        await check.PostAsync(client, "/slapos.put.v0.software_instance_reported_state", new { instance_guid = guid, reported_state = "started" });
        await check.PostAsync(client, "/slapos.get.v0.software_instance_status", new { instance_guid = guid });
        await check.PostAsync(client, "/slapos.put.v0.software_instance_bang", new { instance_guid = guid, message = "bang" });
        await check.PostAsync(client, "/slapos.get.v0.software_instance_certificate", new { instance_guid = guid });
        await check.PostAsync(client, "/slapos.allDocs.v0.compute_node_instance_list", new { computer_guid = computer });
        await check.PostAsync(client, "/slapos.get.v0.compute_node_status", new { computer_guid = computer });
        await check.PostAsync(client, "/slapos.get.v0.compute_partition", new { computer_guid = computer, compute_partition_id = root.GetProperty("compute_partition_id").GetString() });
        await check.PostAsync(client, "/slapos.put.v0.compute_node_bang", new { computer_guid = computer, message = "bang" });
        await check.PostAsync(client, "/slapos.post.v0.compute_node_usage", new { computer_guid = computer, tioxml = Usage });
        await check.PostAsync(client, "/slapos.post.v0.compute_node_certificate", new { computer_guid = computer });
        await check.PostAsync(client, "/slapos.remove.v0.compute_node_certificate", new { computer_guid = computer });
        await check.PostAsync(client, "/slapos.allDocs.WIP.compute_node_list", new { });
        await check.PostAsync(client, "/slapos.wait.v0.compute_node_change", new { computer_guid = computer, timeout = 0 });
        await check.PostAsync(client, "/slapos.put.v0.software_instance_title", new { instance_guid = guid, title = title + "-renamed" });

        var computerToken = ResponseSchemaConformance.Json(await check.PostAsync(client, "/slapos.post.v0.compute_node_token", new { computer_guid = computer }));
        await check.PostAsync(anonymous, "/slapos.post.v0.compute_node_register", new { computer_guid = computer, token = computerToken.GetProperty("token").GetString() });
        var person = "schema-person-" + computer;
        var personToken = ResponseSchemaConformance.Json(await check.PostAsync(client, "/slapos.post.v0.person_token", new { person_reference = person }));
        await check.PostAsync(anonymous, "/slapos.post.v0.person_register", new { person_reference = person, token = personToken.GetProperty("token").GetString() });

        // Revocation: the registry's list, one certificate by serial, and every certificate of a subject.
        var computerCertificates = ResponseSchemaConformance.Json(await check.PostAsync(client, "/slapos.allDocs.v0.certificate_list", new { kind = "computer", reference = computer }));
        var valid = computerCertificates.GetProperty("result_list").EnumerateArray().First(c => c.GetProperty("state").GetString() == "valid");
        await check.PostAsync(client, "/slapos.remove.v0.certificate", new { serial_number = valid.GetProperty("serial_number").GetString() });
        await check.PostAsync(client, "/slapos.remove.v0.software_instance_certificate", new { instance_guid = guid });
        await check.PostAsync(client, "/slapos.remove.v0.person_certificate", new { person_reference = person });

        // Errors validate too: unknown instance, a bad body, a reused token.
        await check.PostAsync(client, "/slapos.get.v0.software_instance", new { instance_guid = "SOFTINST-missing" });
        await check.PostAsync(client, "/slapos.post.v0.software_instance", new { title = 1 });
        await check.PostAsync(anonymous, "/slapos.post.v0.compute_node_register", new { computer_guid = computer, token = computerToken.GetProperty("token").GetString() });

        check.AssertAllValid();
        Assert.Empty(check.Paths.Except(check.Succeeded));
    }

    [Fact]
    public async Task The_published_document_holds_SlapOS_own_response_schemas_for_SlapOS_paths()
    {
        using var client = master.Client(await master.IssueAsync(IdentityKind.Person, "schema-reader", admin: true));
        var document = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync(new Uri("/openapi/slapos-v0.json", UriKind.Relative)))!;
        var instance = document["paths"]!["/slapos.get.v0.software_instance"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        // SlapOS's schema, word for word: its title, draft-07 and no key beyond those it lists.
        Assert.Equal("http://json-schema.org/draft-07/schema#", instance["$schema"]!.GetValue<string>());
        Assert.False(instance["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(16, instance["required"]!.AsArray().Count);

        // And the check is live: a key SlapOS does not list is caught.
        var check = await ResponseSchemaConformance.LoadAsync(client);
        check.Check("/slapos.allDocs.WIP.compute_node_list", new Answer(System.Net.HttpStatusCode.OK, "application/json", """{"result_list":[{"computer_guid":"c","title":"t"}]}"""));
        Assert.Single(check.Failures);
    }
}
