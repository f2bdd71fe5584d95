using System.Text.Json.Nodes;
using SlapOS.Tests.Wire;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>The JSON client against the captured JSON API exchanges.</summary>
public class JsonSlapMasterClientReplayTests
{
    private const string Sr1 = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    [Fact]
    public async Task Computer_document_is_built_from_the_listings_and_each_instance()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(129), WireCaptures.BySeq(148), WireCaptures.BySeq(142), WireCaptures.BySeq(150));

        var document = await ClientFactory.Json(handler).GetComputerDocumentAsync("COMP-2", CancellationToken.None);

        AssertSent(handler, 129, 148, 142, 150);
        Assert.All(handler.Requests, r => Assert.Equal("application/json", r.Accept));
        Assert.Equal("COMP-2", document.ComputerReference);
        Assert.Contains(document.SoftwareInstallations, s => s.SoftwareReleaseUrl == Sr1 && s.RequestedState == SupplyState.Available);
        Assert.Contains(document.SoftwareInstallations, s => s.SoftwareReleaseUrl == "https://example.com/sr/kvm/software.cfg" && s.RequestedState == SupplyState.Destroyed);
        var partition = Assert.Single(document.Partitions);
        Assert.Equal("slappart0", partition.PartitionReference);
        Assert.Equal("json-root______0", partition.InstanceReference);
        Assert.Equal("json-root", partition.Title);
        Assert.Equal("json-root", partition.RootTitle);
        Assert.Equal("mytype", partition.SoftwareType);
        Assert.Equal(RequestedState.Started, partition.RequestedState);
        Assert.Equal("JSON2", partition.Parameters["name"]);
        Assert.Equal("{'a': 1}", partition.Parameters["nested"]);
        Assert.Equal(new InstanceTimestamp(1_795_545_667_000_000), partition.Timestamp);
        Assert.Equal([new PartitionAddress("10.2.0.10", string.Empty, "slaptap0"), new PartitionAddress("2001:db8:2::10", string.Empty, "slaptap0")], partition.Addresses);
        var shared = Assert.Single(partition.SharedInstances);
        Assert.Equal("json-shared______1", shared.Reference);
        Assert.Equal("https://backend.json.example/", shared.Parameters["url"]);
    }

    [Fact]
    public async Task Format_is_put_with_the_partitions_and_their_addresses()
    {
        var capture = WireCaptures.BySeq(123);
        var handler = ReplayHandler.Of(capture);
        var sent = JsonNode.Parse(capture.RequestBody)!;
        var partitions = sent["compute_partition_list"]!.AsArray().Select(p => new ComputerPartition
        {
            ComputerReference = "COMP-2",
            Reference = (string)p!["partition_id"]!,
            Addresses = p["ip_list"]!.AsArray().Select(ip => new PartitionAddress((string)ip!["ip-address"]!, (string)ip["netmask"]!, (string)ip["network-interface"]!)).ToList(),
        }).ToList();

        await ClientFactory.Json(handler).ReportFormatAsync(new ComputerFormat("COMP-2", null, null, partitions), CancellationToken.None);

        AssertSent(handler, 123);
    }

    [Theory]
    [InlineData(131, SoftwareInstallationState.Building)]
    [InlineData(135, SoftwareInstallationState.Error)]
    public async Task Software_installation_reports_match_the_captures(int seq, SoftwareInstallationState state)
    {
        var capture = WireCaptures.BySeq(seq);
        var handler = ReplayHandler.Of(capture);
        var body = JsonNode.Parse(capture.RequestBody)!;

        await ClientFactory.Json(handler).ReportSoftwareInstallationAsync("COMP-2", (string)body["software_release_uri"]!, state, (string?)body["message"], CancellationToken.None);

        AssertSent(handler, seq);
    }

    [Fact]
    public async Task Instance_reports_name_the_instance_of_the_partition()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(148), WireCaptures.BySeq(160), WireCaptures.BySeq(162), WireCaptures.BySeq(163), WireCaptures.BySeq(156));
        var client = ClientFactory.Json(handler);
        var ct = CancellationToken.None;

        await client.ReportInstanceStateAsync("COMP-2", "slappart0", ReportedState.Started, null, ct);
        await client.ReportInstanceStateAsync("COMP-2", "slappart0", ReportedState.Error, "promise failed", ct);
        await client.BangAsync("COMP-2", "slappart0", "reprocess", ct);
        await client.SetConnectionParametersAsync("COMP-2", "slappart0", new Dictionary<string, string> { ["url"] = "http://json-root.example/", ["user"] = "admin" }, null, ct);

        // The partition → instance lookup happens once.
        AssertSent(handler, 148, 160, 162, 163, 156);
    }

    [Fact]
    public async Task Shared_connection_parameters_are_put_under_the_shared_instance()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(157));

        await ClientFactory.Json(handler).SetConnectionParametersAsync("COMP-2", "slappart0", new Dictionary<string, string> { ["frontend"] = "https://json-shared.example/" }, "json-shared______1", CancellationToken.None);

        AssertSent(handler, 157);
    }

    [Theory]
    [InlineData(137, false)]
    [InlineData(140, true)]
    public async Task Request_posts_the_instance_and_reads_the_answer(int seq, bool shared)
    {
        var capture = WireCaptures.BySeq(seq);
        var handler = ReplayHandler.Of(capture);
        var body = JsonNode.Parse(capture.RequestBody)!;
        var request = new InstanceRequest
        {
            Title = (string)body["title"]!,
            SoftwareReleaseUrl = Sr1,
            SoftwareType = "mytype",
            Parameters = body["parameters"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!),
            Sla = new Dictionary<string, string> { ["computer_guid"] = "COMP-2" },
            Shared = shared,
        };

        var instance = await ClientFactory.Json(handler).RequestInstanceAsync(request, CancellationToken.None);

        var sent = JsonNode.Parse(Assert.Single(handler.Requests).Body)!.AsObject();
        Assert.Equal("/slapos.post.v0.software_instance", handler.Requests[0].Path);
        foreach (var (key, value) in body.AsObject())
        {
            Assert.True(JsonNode.DeepEquals(value, sent[key]), $"field {key}: sent {sent[key]?.ToJsonString()}, captured {value?.ToJsonString()}");
        }

        Assert.Equal("started", (string)sent["state"]!);
        Assert.Equal(body["title"] + (shared ? "______1" : "______0"), instance.Reference);
        Assert.Equal(shared, instance.Shared);
        Assert.Equal("COMP-2", instance.ComputerReference);
        Assert.Equal("slappart0", instance.PartitionReference);
        Assert.Equal(request.Parameters, instance.Parameters);
    }

    [Fact]
    public async Task Usage_is_posted_with_the_tioxml_journal()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(172));
        var start = new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);

        await ClientFactory.Json(handler).ReportUsageAsync(
            new UsageReport("COMP-2", [new UsageRecord { ComputerReference = "COMP-2", PartitionReference = "slappart0", Start = start, End = start, CpuSeconds = 1 }]),
            CancellationToken.None);

        var sent = JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
        Assert.Equal("/slapos.post.v0.compute_node_usage", handler.Requests[0].Path);
        Assert.Equal("COMP-2", (string)sent["computer_guid"]!);
        Assert.StartsWith("<?xml version=\"1.0\"?><journal>", (string)sent["tioxml"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(180, SlapErrorKind.NoCapacity)]
    [InlineData(193, SlapErrorKind.Validation)]
    public async Task Request_errors_map_to_slap_error_kinds(int seq, SlapErrorKind kind)
    {
        var capture = WireCaptures.BySeq(seq);
        var handler = ReplayHandler.Of(capture);
        var request = new InstanceRequest { Title = "json-overflow", SoftwareReleaseUrl = Sr1 };

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Json(handler).RequestInstanceAsync(request, CancellationToken.None));

        Assert.Equal(kind, error.Kind);
        Assert.Contains((string)JsonNode.Parse(capture.ResponseBody)!["title"]!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroying_a_root_with_live_children_is_a_conflict()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(184), ListingWith("json-root2______0", "slappart1"));

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Json(handler).ReportInstanceStateAsync("COMP-2", "slappart1", ReportedState.Destroyed, null, CancellationToken.None));

        Assert.Equal(SlapErrorKind.Conflict, error.Kind);
        Assert.Equal("""{"instance_guid":"json-root2______0","reported_state":"destroyed"}""", handler.Requests[^1].Body);
    }

    [Fact]
    public async Task Unknown_computer_is_forbidden()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(130));

        var error = await Assert.ThrowsAsync<SlapForbiddenException>(() => ClientFactory.Json(handler).GetComputerDocumentAsync("COMP-404", CancellationToken.None));

        Assert.Contains("COMP-404 is not registered.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_404_is_not_found()
    {
        var capture = WireCaptures.BySeq(199);
        var handler = new ReplayHandler(_ => (404, capture.ResponseBody, "text/html"));

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Json(handler).ReportSoftwareInstallationAsync("COMP-2", Sr1, SoftwareInstallationState.Available, null, CancellationToken.None));

        Assert.Equal(SlapErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Error_type_naming_a_kind_wins()
    {
        var handler = new ReplayHandler(_ => (409, """{"status": 409, "type": "NotReady", "title": "certificate not issued yet"}""", "application/json"));

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Json(handler).ReportSoftwareInstallationAsync("COMP-2", Sr1, SoftwareInstallationState.Available, null, CancellationToken.None));

        Assert.Equal(SlapErrorKind.NotReady, error.Kind);
    }

    [Fact]
    public async Task Report_for_a_partition_without_instance_is_not_found()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(191));

        await Assert.ThrowsAsync<SlapNotFoundException>(() => ClientFactory.Json(handler).BangAsync("COMP-2", "slappart9", "x", CancellationToken.None));
    }

    private static WireExchange ListingWith(string guid, string partition) => WireCaptures.BySeq(148) with
    {
        ResponseBody = $$"""{"result_list": [{"title": "t", "instance_guid": "{{guid}}", "state": "destroyed", "compute_partition_id": "{{partition}}"}]}""",
    };

    private static void AssertSent(ReplayHandler handler, params int[] seqs)
    {
        Assert.Equal(seqs.Length, handler.Requests.Count);
        for (var i = 0; i < seqs.Length; i++)
        {
            var capture = WireCaptures.BySeq(seqs[i]);
            var sent = handler.Requests[i];
            Assert.Equal(capture.Method, sent.Method);
            Assert.Equal(capture.Path, sent.Path);
            Assert.True(
                JsonNode.DeepEquals(JsonNode.Parse(capture.RequestBody), JsonNode.Parse(sent.Body)),
                $"{capture.File}: sent {sent.Body}, captured {capture.RequestBody}");
        }
    }
}
