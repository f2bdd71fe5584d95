using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Integration.Tests.Api;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// Every JSON and XML endpoint × {computer A, computer B, partition A1, partition B1, owner of A's tree,
/// another person, admin, no certificate} over real mutual TLS: callers the rules allow pass authorization
/// (any answer but 403); every other caller gets a 403 saying what was refused (or, without certificate, a
/// failed handshake), and the store is unchanged after each refusal.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private const string ComputerA = "computer A", ComputerB = "computer B", PartitionA1 = "partition A1", PartitionB1 = "partition B1";
    private const string Owner = "owner of A's tree", Other = "another person", Admin = "admin";

    // Filled while Endpoints is built: the paths the matrix covers.
    private static readonly List<string> Paths = [];

    private static readonly string[] Everyone = [ComputerA, ComputerB, PartitionA1, PartitionB1, Owner, Other, Admin];
    private static readonly string[] OnComputer = [ComputerA, Admin];
    private static readonly string[] OnInstance = [ComputerA, PartitionA1, Owner, Admin];
    private static readonly string[] NodeSide = [ComputerA, PartitionA1, Admin];
    private static readonly string[] Requesters = [PartitionA1, PartitionB1, Owner, Other, Admin];
    private static readonly string[] NotComputers = [PartitionA1, PartitionB1, Owner, Other, Admin];
    private static readonly string[] AdminOnly = [Admin];

    /// <param name="Hides">HATEOAS answers what a caller may not see as if it did not exist (404), as SlapOS does.</param>
    private sealed record Endpoint(string[] Allowed, Func<AuthorizationWorld, HttpClient, Task<HttpResponseMessage>> Call, bool Hides = false);

    private static readonly Dictionary<string, Endpoint> Endpoints = new(StringComparer.Ordinal)
    {
        ["json hateoas_url"] = Json(Everyone, "slapos.get.v0.hateoas_url", _ => new { }),
        ["json request software_instance"] = Json(Requesters, "slapos.post.v0.software_instance", _ => new { title = Unique(), software_release_uri = AuthorizationWorld.Release, software_type = "default", state = "stopped" }),
        ["json get software_instance"] = Json(OnInstance, "slapos.get.v0.software_instance", w => new { instance_guid = w.A1.Reference }),
        ["json get software_instance_status"] = Json(OnInstance, "slapos.get.v0.software_instance_status", w => new { instance_guid = w.A1.Reference }),
        ["json get instance_tree"] = Json(NotComputers, "slapos.get.v0.instance_tree", w => new { title = w.TreeA }),
        ["json instance_tree_list"] = Json(NotComputers, "slapos.allDocs.v0.instance_tree_list", _ => new { }),
        ["json instance_node_instance_list"] = Json(OnInstance, "slapos.allDocs.v0.instance_node_instance_list", w => new { instance_guid = w.A1.Reference }),
        ["json software_instance_title"] = Json(OnInstance, "slapos.put.v0.software_instance_title", w => new { instance_guid = w.A1.Reference, title = w.TreeA }),
        ["json software_instance_connection_parameter"] = Json(NodeSide, "slapos.put.v0.software_instance_connection_parameter", w => new { instance_guid = w.A1.Reference, connection_parameter_dict = new { url = "https://a1" } }),
        ["json software_instance_error"] = Json(NodeSide, "slapos.put.v0.software_instance_error", w => new { instance_guid = w.A1.Reference, message = "boom" }),
        ["json software_instance_bang"] = Json(OnInstance, "slapos.put.v0.software_instance_bang", w => new { instance_guid = w.A1.Reference, message = "bang" }),
        ["json software_instance_reported_state"] = Json(NodeSide, "slapos.put.v0.software_instance_reported_state", w => new { instance_guid = w.A1.Reference, reported_state = "started" }),
        ["json software_instance_certificate"] = Json(NodeSide, "slapos.get.v0.software_instance_certificate", w => new { instance_guid = w.A1.Reference }),
        ["json software_installation"] = Json(OnComputer, "slapos.post.v0.software_installation", w => new { computer_guid = w.ComputerA, software_release_uri = AuthorizationWorld.Release }),
        ["json software_installation_reported_state"] = Json(OnComputer, "slapos.put.v0.software_installation_reported_state", w => new { computer_guid = w.ComputerA, software_release_uri = AuthorizationWorld.Release, reported_state = "available" }),
        ["json software_installation_error"] = Json(OnComputer, "slapos.put.v0.software_installation_error", w => new { computer_guid = w.ComputerA, software_release_uri = AuthorizationWorld.Release, message = "boom" }),
        ["json compute_node_software_installation_list"] = Json(OnComputer, "slapos.allDocs.v0.compute_node_software_installation_list", w => new { computer_guid = w.ComputerA }),
        ["json compute_node_instance_list"] = Json(OnComputer, "slapos.allDocs.v0.compute_node_instance_list", w => new { computer_guid = w.ComputerA }),
        ["json compute_node_status"] = Json(OnComputer, "slapos.get.v0.compute_node_status", w => new { computer_guid = w.ComputerA }),
        ["json compute_partition"] = Json(OnComputer, "slapos.get.v0.compute_partition", w => new { computer_guid = w.ComputerA, compute_partition_id = w.A1.PartitionReference }),
        ["json compute_node_format"] = Json(OnComputer, "slapos.put.v0.compute_node_format", w => new
        {
            computer_guid = w.ComputerA,
            compute_partition_list = AuthorizationWorld.Partitions(w.ComputerA).Select(p => new { partition_id = p.Reference, ip_list = p.Addresses.Select(a => new Dictionary<string, string> { ["ip-address"] = a.Address, ["netmask"] = a.Netmask, ["network-interface"] = a.NetworkInterface! }) }),
        }),
        ["json compute_node_bang"] = Json(OnComputer, "slapos.put.v0.compute_node_bang", w => new { computer_guid = w.ComputerA, message = "bang" }),
        ["json compute_node_usage"] = Json(OnComputer, "slapos.post.v0.compute_node_usage", w => new { computer_guid = w.ComputerA, tioxml = "<?xml version='1.0' encoding='utf-8'?><journal></journal>" }),
        ["json compute_node_certificate"] = Json(OnComputer, "slapos.post.v0.compute_node_certificate", w => new { computer_guid = w.ComputerA }),
        ["json remove compute_node_certificate"] = Json(OnComputer, "slapos.remove.v0.compute_node_certificate", w => new { computer_guid = w.ComputerA, serial_number = w.SpareComputerA.SerialNumber }),
        ["json remove software_instance_certificate"] = Json(OnInstance, "slapos.remove.v0.software_instance_certificate", w => new { instance_guid = w.A1.Reference, serial_number = w.SparePartitionA1.SerialNumber }),
        ["json remove person_certificate"] = Json([Owner, Admin], "slapos.remove.v0.person_certificate", w => new { person_reference = "alice", serial_number = w.SpareAlice.SerialNumber }),
        ["json remove certificate"] = Json(OnComputer, "slapos.remove.v0.certificate", w => new { serial_number = w.SpareComputerA.SerialNumber }),
        ["json certificate_list"] = Json(OnComputer, "slapos.allDocs.v0.certificate_list", w => new { kind = "computer", reference = w.ComputerA }),
        ["json compute_node_list"] = Json(Everyone, "slapos.allDocs.WIP.compute_node_list", _ => new { }),
        ["json compute_node_change"] = Json(OnComputer, "slapos.wait.v0.compute_node_change", w => new { computer_guid = w.ComputerA, timeout = 0 }),
        ["json compute_node_token"] = Json(AdminOnly, "slapos.post.v0.compute_node_token", w => new { computer_guid = w.ComputerA }),
        ["json person_token"] = Json(AdminOnly, "slapos.post.v0.person_token", _ => new { person_reference = "newcomer" }),

        ["xml getFullComputerInformation"] = XmlGet(OnComputer, "getFullComputerInformation", w => [("computer_id", w.ComputerA)]),
        ["xml getComputerInformation"] = XmlGet(OnComputer, "getComputerInformation", w => [("computer_id", w.ComputerA)]),
        ["xml registerComputerPartition"] = XmlGet(NodeSide, "registerComputerPartition", w => [("computer_reference", w.ComputerA), ("computer_partition_reference", w.A1.PartitionReference!)]),
        ["xml getComputerPartitionCertificate"] = XmlGet(NodeSide, "getComputerPartitionCertificate", w => Partition(w)),
        ["xml getComputerPartitionStatus"] = XmlGet(NodeSide, "getComputerPartitionStatus", w => Partition(w)),
        ["xml getSoftwareReleaseListFromSoftwareProduct"] = XmlGet(Everyone, "getSoftwareReleaseListFromSoftwareProduct", _ => [("software_product_reference", "x")]),
        ["xml getRunId"] = XmlGet(Everyone, "getRunId", _ => []),
        ["xml getHateoasUrl"] = XmlGet(Everyone, "getHateoasUrl", _ => []),
        ["xml loadComputerConfigurationFromXML"] = XmlPost(OnComputer, "loadComputerConfigurationFromXML", w =>
            [("computer_id", w.ComputerA), ("xml", SlapMarshal.Write(SlapWireObjects.ToFormatDictionary(new ComputerFormat(w.ComputerA, "10.77.0.1", "255.255.255.0", AuthorizationWorld.Partitions(w.ComputerA)))))]),
        ["xml supplySupply"] = XmlPost(OnComputer, "supplySupply", w => [("computer_id", w.ComputerA), ("url", AuthorizationWorld.Release)]),
        ["xml requestComputerPartition (child)"] = XmlPost(NodeSide, "requestComputerPartition", w => [.. Partition(w), .. RequestFields()]),
        ["xml requestComputerPartition (root)"] = XmlPost(Requesters, "requestComputerPartition", _ => RequestFields()),
        ["xml setComputerPartitionConnectionXml"] = XmlPost(NodeSide, "setComputerPartitionConnectionXml", w => [.. Partition(w), ("connection_xml", AuthorizationWorld.Marshal(new Dictionary<string, string> { ["url"] = "https://a1" }))]),
        ["xml buildingSoftwareRelease"] = XmlPost(OnComputer, "buildingSoftwareRelease", w => [("computer_id", w.ComputerA), ("url", AuthorizationWorld.Release)]),
        ["xml availableSoftwareRelease"] = XmlPost(OnComputer, "availableSoftwareRelease", w => [("computer_id", w.ComputerA), ("url", AuthorizationWorld.Release)]),
        ["xml softwareReleaseError"] = XmlPost(OnComputer, "softwareReleaseError", w => [("computer_id", w.ComputerA), ("url", AuthorizationWorld.Release), ("error_log", "boom")]),
        ["xml destroyedSoftwareRelease"] = XmlPost(OnComputer, "destroyedSoftwareRelease", w => [("computer_id", w.ComputerA), ("url", "https://example.invalid/never-supplied.cfg")]),
        ["xml startedComputerPartition"] = XmlPost(NodeSide, "startedComputerPartition", Partition),
        ["xml stoppedComputerPartition"] = XmlPost(NodeSide, "stoppedComputerPartition", Partition),
        ["xml softwareInstanceError"] = XmlPost(NodeSide, "softwareInstanceError", w => [.. Partition(w), ("error_log", "boom")]),
        ["xml destroyedComputerPartition"] = XmlPost(NodeSide, "destroyedComputerPartition", Partition),
        ["xml softwareInstanceBang"] = XmlPost(NodeSide, "softwareInstanceBang", w => [.. Partition(w), ("message", "bang")]),
        ["xml softwareInstanceRename"] = XmlPost(NodeSide, "softwareInstanceRename", w => [.. Partition(w), ("new_name", w.TreeA)]),
        ["xml computerBang"] = XmlPost(OnComputer, "computerBang", w => [("computer_id", w.ComputerA), ("message", "bang")]),
        ["hateoas root"] = Hateoas(Everyone, "hateoas/", _ => string.Empty),
        ["hateoas traverse"] = Hateoas(Everyone, "hateoas/", _ => "?mode=traverse&relative_url=" + Uri.EscapeDataString("/hateoas/")),
        ["hateoas instance document"] = Hateoas(OnInstance, "hateoas/partitions/{id}", w => w.A1.Reference),

        // A shared instance is its own instance: its host's partition certificate does not name it.
        ["hateoas shared instance document"] = Hateoas([ComputerA, Owner, Admin], "hateoas/shared/{id}", w => w.SharedA.Reference),
        ["hateoas computer document"] = Hateoas(OnComputer, "hateoas/computers/{id}", w => w.ComputerA),
        ["xml useComputer"] = XmlPost(OnComputer, "useComputer", w => [("computer_id", w.ComputerA), ("use_string", "<?xml version='1.0' encoding='utf-8'?><journal></journal>")]),
    };

    public static TheoryData<string> EndpointNames => [.. Endpoints.Keys];

    [Theory]
    [MemberData(nameof(EndpointNames))]
    public async Task Only_the_callers_the_rules_allow_pass_and_a_refusal_changes_nothing(string endpoint)
    {
        var (allowed, call, hides) = Endpoints[endpoint];

        // Refusals first: allowed calls may change the store (that is their job).
        foreach (var identity in AuthorizationWorld.Identities.Where(i => !allowed.Contains(i)))
        {
            var before = await world.SnapshotAsync();
            if (identity == "no certificate")
            {
                await Assert.ThrowsAsync<HttpRequestException>(() => call(world, world.Client(identity)));
            }
            else
            {
                using var response = await call(world, world.Client(identity));
                var body = await response.Content.ReadAsStringAsync();
                if (hides)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{endpoint} by {identity}: expected to be hidden (404), got {(int)response.StatusCode} {body}");
                }
                else
                {
                    Assert.True(IsRefusal(response, body), $"{endpoint} by {identity}: expected a refusal, got {(int)response.StatusCode} {body}");
                    Assert.Contains("may not", Message(response, body), StringComparison.Ordinal);
                }
            }

            Assert.True(before == await world.SnapshotAsync(), $"{endpoint} by {identity} was refused but changed the store");
        }

        foreach (var identity in allowed)
        {
            using var response = await call(world, world.Client(identity));
            var body = await response.Content.ReadAsStringAsync();
            Assert.False(IsRefusal(response, body) || (hides && response.StatusCode == HttpStatusCode.NotFound), $"{endpoint} by {identity}: expected to be allowed, got {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>
    /// A refusal by authorization: 403, and on the JSON API of kind Forbidden (SlapOS answers other
    /// failures, e.g. an unknown tree or no capacity, with 403 too, of their own kind).
    /// </summary>
    private static bool IsRefusal(HttpResponseMessage response, string body) =>
        response.StatusCode == HttpStatusCode.Forbidden
        && (response.Content.Headers.ContentType?.MediaType != "application/json"
            || System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("kind").GetString() == "Forbidden");

    private static string Message(HttpResponseMessage response, string body) =>
        response.Content.Headers.ContentType?.MediaType == "application/json"
            ? System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("title").GetString()!
            : body;

    [Fact]
    public void Every_endpoint_of_both_apis_is_in_the_matrix()
    {
        var mapped = world.Master.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Select(p => p == "hateoas" ? "hateoas/" : p)
            .Where(p => !Unauthenticated.Contains(p) && !ReadOnlyIndex.Contains(p))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(mapped.Order(StringComparer.Ordinal), Paths.Distinct().Order(StringComparer.Ordinal));
    }

    // The HATEOAS views are read-only and filtered per identity; a document the caller may not see is a
    // 404 (its existence is not revealed), so they are covered by HateoasPersonVisibilityTests, not here.

    /// <summary>What needs no identity: the onboarding exchange (the token is the credential), the CA certificate and the API description.</summary>
    private static readonly string[] Unauthenticated = ["slapos.post.v0.compute_node_register", "slapos.post.v0.person_register", "slapos.get.v0.ca_certificate", "ca/crl", "openapi/slapos-v0.json", "health/live", "health/ready"];

    // GET / only names the API roots (or redirects to the portal) and changes nothing: MasterRootTests covers it.
    private static readonly string[] ReadOnlyIndex = [""];

    // The HATEOAS root is mapped once as "/hateoas" and serves "/hateoas/" too.

    private static Endpoint Json(string[] allowed, string path, Func<AuthorizationWorld, object> body)
    {
        Paths.Add(path);
        return new Endpoint(allowed, (w, client) => client.PostAsJsonAsync(path, body(w)));
    }

    private static Endpoint XmlGet(string[] allowed, string path, Func<AuthorizationWorld, (string, string)[]> query) =>
        Listed(path, allowed, (w, client) => client.GetAsync(path + "?" + string.Join('&', query(w).Select(q => Uri.EscapeDataString(q.Item1) + "=" + Uri.EscapeDataString(q.Item2)))));

    private static Endpoint XmlPost(string[] allowed, string path, Func<AuthorizationWorld, (string, string)[]> fields) =>
        Listed(path, allowed, async (w, client) =>
        {
            using var content = new FormUrlEncodedContent(fields(w).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
            return await client.PostAsync(path, content);
        });

    private static Endpoint Hateoas(string[] allowed, string pattern, Func<AuthorizationWorld, string> argument)
    {
        Paths.Add(pattern);
        return new Endpoint(
            allowed,
            (w, client) => client.GetAsync(pattern.Contains("{id}", StringComparison.Ordinal)
                ? pattern.Replace("{id}", Uri.EscapeDataString(argument(w)), StringComparison.Ordinal)
                : pattern + argument(w)),
            Hides: true);
    }

    private static Endpoint Listed(string path, string[] allowed, Func<AuthorizationWorld, HttpClient, Task<HttpResponseMessage>> call)
    {
        Paths.Add(path);
        return new Endpoint(allowed, call);
    }

    private static (string, string)[] Partition(AuthorizationWorld w) => [("computer_id", w.ComputerA), ("computer_partition_id", w.A1.PartitionReference!)];

    private static (string, string)[] RequestFields() =>
    [
        ("software_release", AuthorizationWorld.Release),
        ("software_type", "default"),
        ("partition_reference", Unique()),
        ("partition_parameter_xml", AuthorizationWorld.Marshal(new Dictionary<string, string>())),
        ("filter_xml", AuthorizationWorld.Marshal(new Dictionary<string, string>())),
        ("state", SlapMarshal.Write("stopped")),
        ("shared_xml", SlapMarshal.Write(false)),
    ];

    private static string Unique() => "matrix-" + Guid.NewGuid().ToString("N")[..8];
}
