using static SlapOS.Master.Api.Json.JsonSchemaNode;

namespace SlapOS.Master.Api.Json;

/// <summary>The request-body schema of every JSON API v0 endpoint, as SlapOS publishes them.</summary>
internal static class JsonApiSchemas
{
    private static readonly (string, JsonSchemaNode) ComputerGuid = ("computer_guid", String());
    private static readonly (string, JsonSchemaNode) InstanceGuid = ("instance_guid", String());
    private static readonly (string, JsonSchemaNode) Message = ("message", String());
    private static readonly (string, JsonSchemaNode) SoftwareReleaseUri = ("software_release_uri", String());
    private static readonly (string, JsonSchemaNode) SerialNumber = ("serial_number", String());
    private static readonly (string, JsonSchemaNode) Reason = ("reason", String("unspecified", "key_compromise", "superseded", "cessation_of_operation", "privilege_withdrawn"));

    private static readonly JsonSchemaNode IpAddress = OpenObject(
        ["ip-address"],
        ("ip-address", String()),
        ("netmask", String()),
        ("network-interface", String()),
        ("gateway-ip-address", String()),
        ("network-address", String()));

    private static readonly JsonSchemaNode ComputePartition = OpenObject(
        ["partition_id"],
        ("partition_id", String()),
        ("ip_list", ArrayOf(IpAddress)));

    public static IReadOnlyDictionary<string, JsonSchemaNode> ByPath { get; } = new Dictionary<string, JsonSchemaNode>(StringComparer.Ordinal)
    {
        ["/slapos.get.v0.hateoas_url"] = Object([]),
        ["/slapos.allDocs.v0.instance_tree_list"] = Object([]),
        ["/slapos.get.v0.instance_tree"] = Object(["title"], ("title", String())),
        ["/slapos.post.v0.software_instance"] = Object(
            ["title", "software_release_uri", "software_type"],
            SoftwareReleaseUri,
            ("parameters", AnyObject),
            ("title", String()),
            ("state", String("started", "stopped", "destroyed")),
            ("sla_parameters", StringMap),
            ("software_type", String()),
            ("shared", BooleanValue)),
        ["/slapos.get.v0.software_instance"] = Object(["instance_guid"], InstanceGuid),
        [InstanceStatusEndpoint.Path] = Object(["instance_guid"], InstanceGuid),
        ["/slapos.get.v0.software_instance_certificate"] = Object(["instance_guid"], InstanceGuid),
        ["/slapos.allDocs.v0.instance_node_instance_list"] = Object(["instance_guid"], InstanceGuid),
        ["/slapos.put.v0.software_instance_title"] = Object(["instance_guid", "title"], InstanceGuid, ("title", String())),
        ["/slapos.put.v0.software_instance_connection_parameter"] = Object(["instance_guid", "connection_parameter_dict"], ("connection_parameter_dict", AnyObject), InstanceGuid),
        ["/slapos.put.v0.software_instance_error"] = Object(["instance_guid", "message"], Message, InstanceGuid),
        ["/slapos.put.v0.software_instance_bang"] = Object(["instance_guid", "message"], Message, InstanceGuid),
        ["/slapos.put.v0.software_instance_reported_state"] = Object(["instance_guid", "reported_state"], ("reported_state", String("started", "destroyed", "stopped")), InstanceGuid),
        ["/slapos.post.v0.software_installation"] = Object(["software_release_uri", "computer_guid"], SoftwareReleaseUri, ComputerGuid, ("state", String("available", "destroyed"))),
        ["/slapos.put.v0.software_installation_reported_state"] = Object(["software_release_uri", "computer_guid", "reported_state"], SoftwareReleaseUri, ComputerGuid, ("reported_state", String("available", "destroyed", "building"))),
        ["/slapos.put.v0.software_installation_error"] = Object(["software_release_uri", "computer_guid", "message"], SoftwareReleaseUri, ComputerGuid, Message),
        ["/slapos.allDocs.v0.compute_node_software_installation_list"] = Object(["computer_guid"], ComputerGuid),
        ["/slapos.allDocs.v0.compute_node_instance_list"] = Object(["computer_guid"], ComputerGuid),
        ["/slapos.get.v0.compute_node_status"] = Object(["computer_guid"], ComputerGuid),
        ["/slapos.get.v0.compute_partition"] = Object(["computer_guid", "compute_partition_id"], ComputerGuid, ("compute_partition_id", String())),
        ["/slapos.put.v0.compute_node_format"] = Object(["compute_partition_list", "computer_guid"], ComputerGuid, ("compute_partition_list", ArrayOf(ComputePartition))),
        ["/slapos.put.v0.compute_node_bang"] = Object(["computer_guid", "message"], Message, ComputerGuid),
        ["/slapos.post.v0.compute_node_usage"] = Object(["computer_guid", "tioxml"], ComputerGuid, ("tioxml", String())),
        ["/slapos.post.v0.compute_node_certificate"] = Object(["computer_guid"], ComputerGuid),
        ["/slapos.remove.v0.compute_node_certificate"] = Object(["computer_guid"], ComputerGuid, SerialNumber, Reason),
        ["/slapos.remove.v0.software_instance_certificate"] = Object(["instance_guid"], InstanceGuid, SerialNumber, Reason),
        ["/slapos.remove.v0.person_certificate"] = Object(["person_reference"], ("person_reference", String()), SerialNumber, Reason),
        ["/slapos.remove.v0.certificate"] = Object(["serial_number"], SerialNumber, Reason),
        ["/slapos.allDocs.v0.certificate_list"] = Object(["kind", "reference"], ("kind", String("computer", "partition", "person", "master")), ("reference", String())),
        ["/slapos.allDocs.WIP.compute_node_list"] = Object([]),
        ["/slapos.post.v0.compute_node_token"] = Object(["computer_guid"], ComputerGuid, ("ttl_seconds", new JsonSchemaNode { Type = "number" })),
        ["/slapos.post.v0.compute_node_register"] = Object(["computer_guid", "token"], ComputerGuid, ("token", String())),
        ["/slapos.post.v0.person_token"] = Object(["person_reference"], ("person_reference", String()), ("admin", BooleanValue), ("ttl_seconds", new JsonSchemaNode { Type = "number" })),
        ["/slapos.post.v0.person_register"] = Object(["person_reference", "token"], ("person_reference", String()), ("token", String())),
        ["/slapos.wait.v0.compute_node_change"] = Object(["computer_guid"], ComputerGuid, ("timestamp", String()), ("timeout", new JsonSchemaNode { Type = "number" }), ("change_stamp", new JsonSchemaNode { Type = "integer" })),
    };
}
