using System.Net;
using System.Text;

namespace SlapOS.Integration.Tests.Api;

/// <summary>Every endpoint called with no field at all: a 4xx naming what is missing, never a 500.</summary>
public sealed class EmptyRequestTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    public static TheoryData<string, string> XmlEndpoints => new()
    {
        { "GET", "/getFullComputerInformation" },
        { "GET", "/getComputerInformation" },
        { "GET", "/registerComputerPartition" },
        { "GET", "/getComputerPartitionCertificate" },
        { "GET", "/getComputerPartitionStatus" },
        { "POST", "/loadComputerConfigurationFromXML" },
        { "POST", "/supplySupply" },
        { "POST", "/requestComputerPartition" },
        { "POST", "/setComputerPartitionConnectionXml" },
        { "POST", "/buildingSoftwareRelease" },
        { "POST", "/availableSoftwareRelease" },
        { "POST", "/softwareReleaseError" },
        { "POST", "/destroyedSoftwareRelease" },
        { "POST", "/startedComputerPartition" },
        { "POST", "/stoppedComputerPartition" },
        { "POST", "/softwareInstanceError" },
        { "POST", "/destroyedComputerPartition" },
        { "POST", "/softwareInstanceBang" },
        { "POST", "/softwareInstanceRename" },
        { "POST", "/computerBang" },
        { "POST", "/useComputer" },
    };

    // Every JSON v0 path whose schema has a required property.
    public static TheoryData<string> JsonEndpoints => new()
    {
        "/slapos.post.v0.software_instance",
        "/slapos.get.v0.software_instance",
        "/slapos.get.v0.instance_tree",
        "/slapos.allDocs.v0.instance_node_instance_list",
        "/slapos.put.v0.software_instance_title",
        "/slapos.put.v0.software_instance_connection_parameter",
        "/slapos.put.v0.software_instance_error",
        "/slapos.put.v0.software_instance_bang",
        "/slapos.put.v0.software_instance_reported_state",
        "/slapos.get.v0.software_instance_certificate",
        "/slapos.post.v0.software_installation",
        "/slapos.put.v0.software_installation_reported_state",
        "/slapos.put.v0.software_installation_error",
        "/slapos.allDocs.v0.compute_node_software_installation_list",
        "/slapos.allDocs.v0.compute_node_instance_list",
        "/slapos.get.v0.compute_node_status",
        "/slapos.get.v0.compute_partition",
        "/slapos.put.v0.compute_node_format",
        "/slapos.put.v0.compute_node_bang",
        "/slapos.post.v0.compute_node_usage",
        "/slapos.post.v0.compute_node_certificate",
        "/slapos.remove.v0.compute_node_certificate",
    };

    [Theory]
    [MemberData(nameof(XmlEndpoints))]
    public async Task An_xml_call_without_fields_is_a_400_naming_the_field(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        using var response = await master.Http.SendAsync(request);
        var answer = await Answer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Matches("<p>[a-z_]+: is required</p>", answer.Body);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_json_call_with_an_empty_object_is_a_400_worded_as_jsonschema(string path)
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await master.Http.PostAsync(path, content);
        var answer = await Answer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.EndsWith("is a required property", answer.Json().GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}
